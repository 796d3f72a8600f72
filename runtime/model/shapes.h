// Shape inference for any valid input size. The graph stores only channel
// counts; heights, widths and SAME padding follow from the input size here.
#pragma once

#include <string>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/model/shape.h"
#include "runtime/model/window.h"

namespace vkpose {

// Input sides are capped so that every size computation stays in int range.
inline constexpr int kMaxInputSize = 1 << 14;

// (size - 1) must be a positive multiple of the output stride, so that output
// pixel i sits exactly on input pixel i * output_stride.
bool isValidInputSize(int size, int output_stride);

// Why `size` is invalid, naming the nearest valid sizes, e.g. "input size 300
// is invalid: (size - 1) must be a multiple of the output stride 16; nearest
// valid sizes are 289 and 305".
std::string invalidInputSizeMessage(int size, int output_stride);

// The explicit window the kernels run for an input of `in`'s height and width.
// SameUpper: out = ceil(in / stride), total padding = max((out - 1) * stride +
// dilation * (kernel - 1) + 1 - in, 0), the odd pixel after (TF's SAME);
// SameLower puts it before; Valid pads nothing; Explicit keeps its numbers.
ConvParams resolveWindow(const WindowSpec& spec, Shape in);

struct ShapePlan {
  std::vector<Shape> tensors;       // per tensor of the model
  std::vector<ConvParams> windows;  // per node, resolved; the default 1x1 window for Add
};

// Shapes of every tensor for an input_h x input_w image. `model` must be valid
// (parseModel and validateModel ensure it). Throws ModelError with
// invalidInputSizeMessage for an invalid side, and naming the node when a
// layer's output would be empty or Add's operands differ in size.
ShapePlan planShapes(const Model& model, int input_h, int input_w);

}  // namespace vkpose
