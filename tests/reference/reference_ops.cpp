#include "tests/reference/reference_ops.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

namespace vkpose::ref {
namespace {

void require(bool condition, const std::string& message) {
    if (!condition) throw std::invalid_argument(message);
}

std::string shapeOf(const Tensor& t) {
    return std::to_string(t.c) + "x" + std::to_string(t.h) + "x" + std::to_string(t.w);
}

std::size_t elementCount(int c, int h, int w) {
    return static_cast<std::size_t>(c) * static_cast<std::size_t>(h) * static_cast<std::size_t>(w);
}

void requireWellFormed(const Tensor& t, const std::string& op, const std::string& name) {
    require(t.c > 0 && t.h > 0 && t.w > 0, op + ": " + name + " has empty or negative shape " + shapeOf(t));
    require(t.data.size() == elementCount(t.c, t.h, t.w),
            op + ": " + name + " has " + std::to_string(t.data.size()) + " elements but shape " + shapeOf(t));
}

void requirePaddingNonNegative(const Padding& pad, const std::string& op) {
    require(pad.top >= 0 && pad.left >= 0 && pad.bottom >= 0 && pad.right >= 0, op + ": padding must be >= 0");
}

// C++ integer division truncates toward zero; output sizes need floor so that
// a kernel larger than the padded input yields a non-positive size.
int floorDiv(int numerator, int denominator) {
    const int quotient = numerator / denominator;
    const bool inexact = quotient * denominator != numerator;
    return (inexact && (numerator < 0) != (denominator < 0)) ? quotient - 1 : quotient;
}

bool inside(int value, int extent) { return value >= 0 && value < extent; }

std::size_t flatIndex(const Tensor& t, int ch, int y, int x) {
    if (!inside(ch, t.c) || !inside(y, t.h) || !inside(x, t.w)) {
        throw std::out_of_range("Tensor::at(" + std::to_string(ch) + ", " + std::to_string(y) + ", " +
                                std::to_string(x) + ") outside shape " + shapeOf(t));
    }
    return (static_cast<std::size_t>(ch) * static_cast<std::size_t>(t.h) + static_cast<std::size_t>(y)) *
               static_cast<std::size_t>(t.w) +
           static_cast<std::size_t>(x);
}

struct PaddingPair {
    int before = 0, after = 0;
};

PaddingPair samePadding1D(int in, int k, int stride, int dilation) {
    require(in > 0 && k > 0 && stride > 0 && dilation > 0,
            "samePadding: input, kernel, stride and dilation must be positive");
    const int out = (in + stride - 1) / stride;
    const int effective_kernel = dilation * (k - 1) + 1;
    const int total = std::max((out - 1) * stride + effective_kernel - in, 0);
    return {total / 2, total - total / 2};
}

// ---- conv2d ----

struct ConvShape {
    int out_h = 0, out_w = 0;
    int cin_per_group = 0, cout_per_group = 0;
};

void requireConvArguments(const Tensor& in, const std::vector<double>& weights, const std::vector<double>& bias,
                          int cout, const ConvSpec& spec) {
    requireWellFormed(in, "conv2d", "input");
    require(cout > 0, "conv2d: cout must be positive, got " + std::to_string(cout));
    require(spec.groups > 0, "conv2d: groups must be positive, got " + std::to_string(spec.groups));
    require(in.c % spec.groups == 0, "conv2d: cin " + std::to_string(in.c) + " is not divisible by groups " +
                                         std::to_string(spec.groups));
    require(cout % spec.groups == 0, "conv2d: cout " + std::to_string(cout) + " is not divisible by groups " +
                                         std::to_string(spec.groups));
    require(spec.kh > 0 && spec.kw > 0, "conv2d: kernel size must be positive");
    requirePaddingNonNegative(spec.pad, "conv2d");

    const std::size_t expected_weights = elementCount(cout, in.c / spec.groups, spec.kh * spec.kw);
    require(weights.size() == expected_weights,
            "conv2d: weights has " + std::to_string(weights.size()) + " elements, expected " +
                std::to_string(expected_weights) + " (OIHW: cout x cin/groups x kh x kw)");
    require(bias.empty() || bias.size() == static_cast<std::size_t>(cout),
            "conv2d: bias has " + std::to_string(bias.size()) + " elements, expected 0 or cout " +
                std::to_string(cout));
}

ConvShape checkedConvShape(const Tensor& in, const std::vector<double>& weights, const std::vector<double>& bias,
                           int cout, const ConvSpec& spec) {
    requireConvArguments(in, weights, bias, cout, spec);
    ConvShape shape;
    shape.out_h = convOutputSize(in.h, spec.kh, spec.stride_h, spec.dilation_h, spec.pad.top, spec.pad.bottom);
    shape.out_w = convOutputSize(in.w, spec.kw, spec.stride_w, spec.dilation_w, spec.pad.left, spec.pad.right);
    require(shape.out_h > 0 && shape.out_w > 0, "conv2d: empty output " + std::to_string(shape.out_h) + "x" +
                                                    std::to_string(shape.out_w) + " for input " + shapeOf(in));
    shape.cin_per_group = in.c / spec.groups;
    shape.cout_per_group = cout / spec.groups;
    return shape;
}

std::size_t weightIndex(const ConvSpec& spec, const ConvShape& shape, int oc, int ic_in_group, int ky, int kx) {
    return ((static_cast<std::size_t>(oc) * static_cast<std::size_t>(shape.cin_per_group) +
             static_cast<std::size_t>(ic_in_group)) *
                static_cast<std::size_t>(spec.kh) +
            static_cast<std::size_t>(ky)) *
               static_cast<std::size_t>(spec.kw) +
           static_cast<std::size_t>(kx);
}

// Cross-correlation (no kernel flip), as in ONNX Conv and TF conv2d.
double correlateAt(const Tensor& in, const std::vector<double>& weights, const ConvSpec& spec,
                   const ConvShape& shape, int oc, int oy, int ox) {
    const int group = oc / shape.cout_per_group;
    double sum = 0.0;
    for (int ic_in_group = 0; ic_in_group < shape.cin_per_group; ++ic_in_group) {
        const int ic = group * shape.cin_per_group + ic_in_group;
        for (int ky = 0; ky < spec.kh; ++ky) {
            const int iy = oy * spec.stride_h - spec.pad.top + ky * spec.dilation_h;
            if (!inside(iy, in.h)) continue;  // zero padding contributes nothing
            for (int kx = 0; kx < spec.kw; ++kx) {
                const int ix = ox * spec.stride_w - spec.pad.left + kx * spec.dilation_w;
                if (!inside(ix, in.w)) continue;
                sum += in.at(ic, iy, ix) * weights[weightIndex(spec, shape, oc, ic_in_group, ky, kx)];
            }
        }
    }
    return sum;
}

// ---- pooling ----

// Pooling windows clipped to the input: without dilation the valid cells form
// one contiguous rectangle, so max and average can share the bounds.
struct Window {
    int y_begin = 0, y_end = 0, x_begin = 0, x_end = 0;
    int cellCount() const { return (y_end - y_begin) * (x_end - x_begin); }
};

Window clippedWindow(const Tensor& in, const PoolSpec& spec, int oy, int ox) {
    const int y0 = oy * spec.stride_h - spec.pad.top;
    const int x0 = ox * spec.stride_w - spec.pad.left;
    return {std::max(y0, 0), std::min(y0 + spec.kh, in.h), std::max(x0, 0), std::min(x0 + spec.kw, in.w)};
}

void requirePoolArguments(const Tensor& in, const PoolSpec& spec, const std::string& op) {
    requireWellFormed(in, op, "input");
    require(spec.kh > 0 && spec.kw > 0, op + ": kernel size must be positive");
    requirePaddingNonNegative(spec.pad, op);
    // Padding smaller than the kernel guarantees every window touches the
    // input, so no max is taken over nothing and no average divides by zero.
    require(spec.pad.top < spec.kh && spec.pad.bottom < spec.kh && spec.pad.left < spec.kw &&
                spec.pad.right < spec.kw,
            op + ": padding must be smaller than the kernel");
}

template <typename ReduceWindow>
Tensor pool(const Tensor& in, const PoolSpec& spec, const std::string& op, ReduceWindow reduce) {
    requirePoolArguments(in, spec, op);
    const int out_h = convOutputSize(in.h, spec.kh, spec.stride_h, 1, spec.pad.top, spec.pad.bottom);
    const int out_w = convOutputSize(in.w, spec.kw, spec.stride_w, 1, spec.pad.left, spec.pad.right);
    require(out_h > 0 && out_w > 0, op + ": empty output " + std::to_string(out_h) + "x" + std::to_string(out_w) +
                                        " for input " + shapeOf(in));
    Tensor out = Tensor::zeros(in.c, out_h, out_w);
    for (int ch = 0; ch < in.c; ++ch)
        for (int oy = 0; oy < out_h; ++oy)
            for (int ox = 0; ox < out_w; ++ox) out.at(ch, oy, ox) = reduce(ch, clippedWindow(in, spec, oy, ox));
    return out;
}

double windowMax(const Tensor& in, int ch, const Window& window) {
    double best = -std::numeric_limits<double>::infinity();
    for (int y = window.y_begin; y < window.y_end; ++y)
        for (int x = window.x_begin; x < window.x_end; ++x) best = std::max(best, in.at(ch, y, x));
    return best;
}

double windowSum(const Tensor& in, int ch, const Window& window) {
    double sum = 0.0;
    for (int y = window.y_begin; y < window.y_end; ++y)
        for (int x = window.x_begin; x < window.x_end; ++x) sum += in.at(ch, y, x);
    return sum;
}

}  // namespace

// ---- Tensor ----

double& Tensor::at(int ch, int y, int x) { return data.at(flatIndex(*this, ch, y, x)); }

double Tensor::at(int ch, int y, int x) const { return data.at(flatIndex(*this, ch, y, x)); }

Tensor Tensor::zeros(int c, int h, int w) {
    require(c >= 0 && h >= 0 && w >= 0, "Tensor::zeros: negative shape " + std::to_string(c) + "x" +
                                            std::to_string(h) + "x" + std::to_string(w));
    return Tensor{c, h, w, std::vector<double>(elementCount(c, h, w), 0.0)};
}

// ---- elementwise ----

double activate(double x, const Epilogue& epilogue) {
    switch (epilogue.act) {
        case Activation::None: return x;
        case Activation::Relu: return std::max(x, 0.0);
        case Activation::Clip:
            require(epilogue.clip_min <= epilogue.clip_max, "activate: clip_min exceeds clip_max");
            return std::clamp(x, epilogue.clip_min, epilogue.clip_max);
        case Activation::Sigmoid: return 1.0 / (1.0 + std::exp(-x));  // exp overflow gives inf -> 0, still exact
    }
    throw std::invalid_argument("activate: unknown activation");
}

Tensor add(const Tensor& a, const Tensor& b, const Epilogue& epilogue) {
    requireWellFormed(a, "add", "a");
    requireWellFormed(b, "add", "b");
    require(a.c == b.c && a.h == b.h && a.w == b.w, "add: shape mismatch " + shapeOf(a) + " vs " + shapeOf(b));
    Tensor out = Tensor::zeros(a.c, a.h, a.w);
    for (std::size_t i = 0; i < out.data.size(); ++i) out.data[i] = activate(a.data[i] + b.data[i], epilogue);
    return out;
}

int argmaxPlane(const Tensor& t, int channel) {
    requireWellFormed(t, "argmaxPlane", "tensor");
    require(inside(channel, t.c), "argmaxPlane: channel " + std::to_string(channel) + " outside 0.." +
                                      std::to_string(t.c - 1));
    int best_index = 0;
    double best_value = t.at(channel, 0, 0);
    for (int y = 0; y < t.h; ++y) {
        for (int x = 0; x < t.w; ++x) {
            // Strictly greater keeps the first (lowest-index) of tied maxima.
            if (t.at(channel, y, x) > best_value) {
                best_value = t.at(channel, y, x);
                best_index = y * t.w + x;
            }
        }
    }
    return best_index;
}

// ---- geometry ----

int convOutputSize(int in, int k, int stride, int dilation, int pad_before, int pad_after) {
    require(k > 0, "convOutputSize: kernel must be positive, got " + std::to_string(k));
    require(stride > 0, "convOutputSize: stride must be positive, got " + std::to_string(stride));
    require(dilation > 0, "convOutputSize: dilation must be positive, got " + std::to_string(dilation));
    require(pad_before >= 0 && pad_after >= 0, "convOutputSize: padding must be >= 0");
    const int span = in + pad_before + pad_after - dilation * (k - 1) - 1;
    return floorDiv(span, stride) + 1;
}

Padding samePadding(int in_h, int in_w, int kh, int kw, int sh, int sw, int dh, int dw) {
    const PaddingPair vertical = samePadding1D(in_h, kh, sh, dh);
    const PaddingPair horizontal = samePadding1D(in_w, kw, sw, dw);
    return Padding{vertical.before, horizontal.before, vertical.after, horizontal.after};
}

// ---- conv / pool ----

Tensor conv2d(const Tensor& in, const std::vector<double>& weights, const std::vector<double>& bias, int cout,
              const ConvSpec& spec) {
    const ConvShape shape = checkedConvShape(in, weights, bias, cout, spec);
    Tensor out = Tensor::zeros(cout, shape.out_h, shape.out_w);
    for (int oc = 0; oc < cout; ++oc) {
        const double bias_value = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(oc)];
        for (int oy = 0; oy < shape.out_h; ++oy)
            for (int ox = 0; ox < shape.out_w; ++ox)
                out.at(oc, oy, ox) =
                    activate(correlateAt(in, weights, spec, shape, oc, oy, ox) + bias_value, spec.epilogue);
    }
    return out;
}

Tensor maxPool(const Tensor& in, const PoolSpec& spec) {
    return pool(in, spec, "maxPool", [&](int ch, const Window& window) { return windowMax(in, ch, window); });
}

Tensor avgPool(const Tensor& in, const PoolSpec& spec) {
    return pool(in, spec, "avgPool", [&](int ch, const Window& window) {
        // In floor mode every window lies inside the padded input, so the
        // padded divisor is always the full kernel area.
        const int divisor = spec.count_include_pad ? spec.kh * spec.kw : window.cellCount();
        return windowSum(in, ch, window) / divisor;
    });
}

}  // namespace vkpose::ref
