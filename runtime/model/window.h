// Window geometry shared by conv2d, depthwise and pooling: kernel, stride,
// dilation and explicit (possibly asymmetric) padding. TF's SAME with an even
// input pads one more at the bottom/right; the converter resolves that into
// explicit numbers, so kernels only ever see these four.
#pragma once

#include <string>

#include "runtime/model/shape.h"

namespace vkpose {

struct Padding {
  int top = 0, left = 0, bottom = 0, right = 0;
};

struct ConvParams {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  Padding pad;

  std::string str() const;  // "k=3x3,s=2x2,d=1x1,pad=1,1,1,1"
};

// floor((in + before + after - dilation*(k-1) - 1) / stride) + 1; may be <= 0.
int convOutputSize(int in, int kernel, int stride, int dilation, int pad_before, int pad_after);

// Throws vkpose::Error naming the bad field (non-positive kernel/stride/
// dilation, negative padding, empty output for this input).
void validateWindow(const ConvParams& params, Shape in, const char* op);

// Output H and W for `in`, channels set to `out_channels`.
Shape windowOutputShape(const ConvParams& params, Shape in, int out_channels, const char* op);

}  // namespace vkpose
