#pragma once

// Naive double-precision CPU implementations of the operators the GPU kernels
// implement. They favour obvious correctness over speed: every GPU kernel test
// compares against these, so they must stay simple enough to check by eye.
// Batch size is always 1 and tensors are CHW.

#include <vector>

namespace vkpose::ref {

struct Tensor {
    int c = 0, h = 0, w = 0;
    std::vector<double> data;  // size c*h*w, index (ch*h + y)*w + x

    // Bounds-checked (std::out_of_range): a reference that silently reads
    // out of range would hide the very bugs it exists to catch.
    double& at(int ch, int y, int x);
    double at(int ch, int y, int x) const;

    static Tensor zeros(int c, int h, int w);
};

enum class Activation { None, Relu, Clip, Sigmoid };  // Clip = clamp(x, clip_min, clip_max); ReLU6 is Clip(0,6)

struct Epilogue {
    Activation act = Activation::None;
    double clip_min = 0, clip_max = 6;
};

double activate(double x, const Epilogue& epilogue);

struct Padding {
    int top = 0, left = 0, bottom = 0, right = 0;
};

struct ConvSpec {
    int kh = 1, kw = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
    Padding pad;
    int groups = 1;
    Epilogue epilogue;
};

// floor((in + pad_before + pad_after - dilation*(k-1) - 1) / stride) + 1.
// May return <= 0 when the kernel does not fit; callers reject that.
int convOutputSize(int in, int k, int stride, int dilation, int pad_before, int pad_after);

// TF/ONNX SAME_UPPER: out = ceil(in/stride);
// total = max((out-1)*stride + d*(k-1)+1 - in, 0); before = total/2; after = total - before.
Padding samePadding(int in_h, int in_w, int kh, int kw, int sh, int sw, int dh, int dw);

// weights: OIHW with I = cin/groups; bias may be empty (= zeros).
// Depthwise = groups == cin == cout.
Tensor conv2d(const Tensor& in, const std::vector<double>& weights, const std::vector<double>& bias, int cout,
              const ConvSpec& spec);

struct PoolSpec {
    int kh = 0, kw = 0, stride_h = 1, stride_w = 1;
    Padding pad;
    bool count_include_pad = false;
};

Tensor maxPool(const Tensor& in, const PoolSpec& spec);  // padded cells ignored (as -inf)
Tensor avgPool(const Tensor& in, const PoolSpec& spec);  // divisor = cells inside the input unless count_include_pad

Tensor add(const Tensor& a, const Tensor& b, const Epilogue& epilogue = {});

// Row-major argmax over one channel plane; ties -> lowest index (ONNX/TF.js semantics).
int argmaxPlane(const Tensor& t, int channel);

}  // namespace vkpose::ref
