#include "tests/support/test_data.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

namespace vkpose::test {
namespace {

std::size_t countOutsideTolerance(const std::vector<float>& got, const std::vector<double>& ref, double allowed) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
        if (!(std::fabs(static_cast<double>(got[i]) - ref[i]) <= allowed)) ++count;  // NaN counts as outside
    return count;
}

std::string describeNonFinite(const std::vector<float>& got, const std::vector<double>& ref, std::size_t index) {
    std::ostringstream message;
    message << std::setprecision(9) << "got[" << index << "] = " << got[index] << " is not finite (ref "
            << ref[index] << ")";
    return message.str();
}

std::string describeMismatch(const std::vector<float>& got, const std::vector<double>& ref, const Mismatch& m,
                             double rel_tol, double abs_floor) {
    const double allowed = rel_tol * m.max_abs_ref + abs_floor;
    const std::size_t i = m.worst_index;
    std::ostringstream message;
    message << std::setprecision(9) << "max |got - ref| = " << m.max_abs_err << " at index " << i << ": got "
            << got[i] << ", ref " << ref[i] << "; allowed " << allowed << " = rel_tol " << rel_tol << " * max|ref| "
            << m.max_abs_ref << " + abs_floor " << abs_floor << "; error/allowed = " << m.max_abs_err / allowed
            << ", error/max|ref| = " << m.max_abs_err / m.max_abs_ref << "; "
            << countOutsideTolerance(got, ref, allowed) << " of " << got.size() << " elements out of tolerance";
    return message.str();
}

}  // namespace

std::vector<float> randomFloats(std::size_t count, std::uint32_t seed, float min, float max) {
    std::vector<float> values(count);
    fillRandom(values, seed, min, max);
    return values;
}

void fillRandom(std::vector<float>& values, std::uint32_t seed, float min, float max) {
    if (!(min <= max)) throw std::invalid_argument("fillRandom: min exceeds max");
    std::mt19937 engine(seed);
    std::uniform_real_distribution<float> distribution(min, max);
    for (float& value : values) value = distribution(engine);
}

std::vector<double> toDoubles(const std::vector<float>& values) {
    return std::vector<double>(values.begin(), values.end());
}

Mismatch compare(const std::vector<float>& got, const std::vector<double>& ref) {
    if (got.size() != ref.size()) {
        throw std::invalid_argument("compare: got has " + std::to_string(got.size()) + " values, ref has " +
                                    std::to_string(ref.size()));
    }
    Mismatch m;
    for (std::size_t i = 0; i < got.size(); ++i) {
        // NaN would lose every comparison and go unnoticed; rank it worst.
        const double err = std::isfinite(got[i]) ? std::fabs(static_cast<double>(got[i]) - ref[i])
                                                 : std::numeric_limits<double>::infinity();
        if (err > m.max_abs_err) {
            m.max_abs_err = err;
            m.worst_index = i;
        }
        m.max_abs_ref = std::max(m.max_abs_ref, std::fabs(ref[i]));
    }
    return m;
}

::testing::AssertionResult nearlyEqual(const std::vector<float>& got, const std::vector<double>& ref, double rel_tol,
                                       double abs_floor) {
    if (got.size() != ref.size()) {
        return ::testing::AssertionFailure()
               << "size mismatch: got has " << got.size() << " values, ref has " << ref.size();
    }
    for (std::size_t i = 0; i < ref.size(); ++i) {
        if (!std::isfinite(ref[i])) return ::testing::AssertionFailure() << "reference is not finite at index " << i;
    }
    const Mismatch m = compare(got, ref);
    if (!got.empty() && !std::isfinite(got[m.worst_index]))
        return ::testing::AssertionFailure() << describeNonFinite(got, ref, m.worst_index);
    if (m.max_abs_err <= rel_tol * m.max_abs_ref + abs_floor) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << describeMismatch(got, ref, m, rel_tol, abs_floor);
}

}  // namespace vkpose::test
