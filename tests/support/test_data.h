#pragma once

// Test inputs and result comparison shared by the GPU kernel tests.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vkpose::test {

// Fixed so that a failing test fails the same way on every run. Exact values
// still depend on the standard library's uniform_real_distribution, so tests
// must never hard-code them.
inline constexpr std::uint32_t kDefaultSeed = 0x5eed1234u;

// `count` values drawn uniformly from [min, max] by std::mt19937(seed).
std::vector<float> randomFloats(std::size_t count, std::uint32_t seed = kDefaultSeed, float min = -1.0f,
                                float max = 1.0f);

// Overwrites every element of `values` the same way randomFloats does.
void fillRandom(std::vector<float>& values, std::uint32_t seed = kDefaultSeed, float min = -1.0f, float max = 1.0f);

// Widens GPU-side inputs so the reference sees exactly the values the GPU saw.
std::vector<double> toDoubles(const std::vector<float>& values);

struct Mismatch {
    double max_abs_err = 0;  // infinite when `got` holds NaN or Inf
    double max_abs_ref = 0;
    std::size_t worst_index = 0;
};

// Throws std::invalid_argument when the sizes differ.
Mismatch compare(const std::vector<float>& got, const std::vector<double>& ref);

// Passes when max|got - ref| <= rel_tol * max|ref| + abs_floor and `got` is
// all finite. Scaling by max|ref| rather than per element keeps values near
// zero (where float rounding is relatively huge) from failing spuriously.
::testing::AssertionResult nearlyEqual(const std::vector<float>& got, const std::vector<double>& ref, double rel_tol,
                                       double abs_floor);

}  // namespace vkpose::test
