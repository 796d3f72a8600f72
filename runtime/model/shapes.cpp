#include "runtime/model/shapes.h"

#include <algorithm>
#include <utility>

namespace vkpose {

namespace {

int smallestValidSize(int output_stride) { return output_stride + 1; }

int largestValidSize(int output_stride) { return (kMaxInputSize - 1) / output_stride * output_stride + 1; }

// Padding before and after along one axis for the Same modes.
std::pair<int, int> samePadding(int in, int kernel, int stride, int dilation, bool extra_before) {
  int out = (in + stride - 1) / stride;
  int total = std::max((out - 1) * stride + dilation * (kernel - 1) + 1 - in, 0);
  int half = total / 2;
  return extra_before ? std::pair{total - half, half} : std::pair{half, total - half};
}

Shape windowOutput(const Model& model, size_t index, Shape in, const ConvParams& params) {
  int h = convOutputSize(in.h, params.kernel_h, params.stride_h, params.dilation_h, params.pad.top, params.pad.bottom);
  int w = convOutputSize(in.w, params.kernel_w, params.stride_w, params.dilation_w, params.pad.left, params.pad.right);
  if (h < 1 || w < 1)
    throw ModelError(describeNode(model, index) + ": output would be empty for its " + in.str() + " input (" +
                     params.str() + ")");
  return {model.nodes[index].out_channels, h, w};
}

Shape addOutput(const Model& model, size_t index, Shape a, Shape b) {
  if (a.h != b.h || a.w != b.w)
    throw ModelError(describeNode(model, index) + ": operands " + a.str() + " and " + b.str() + " differ in size");
  return {model.nodes[index].out_channels, a.h, a.w};
}

}  // namespace

bool isValidInputSize(int size, int output_stride) {
  return output_stride >= 1 && size > output_stride && size <= kMaxInputSize && (size - 1) % output_stride == 0;
}

std::string invalidInputSizeMessage(int size, int output_stride) {
  std::string head = "input size " + std::to_string(size) + " is invalid: ";
  if (output_stride < 1) return head + "the output stride " + std::to_string(output_stride) + " is not positive";
  std::string rule = "(size - 1) must be a multiple of the output stride " + std::to_string(output_stride);
  int smallest = smallestValidSize(output_stride), largest = largestValidSize(output_stride);
  if (size < smallest)
    return head + "(size - 1) must be a positive multiple of the output stride " + std::to_string(output_stride) +
           "; the smallest valid size is " + std::to_string(smallest);
  if (size > largest) return head + "the largest valid size is " + std::to_string(largest);
  int below = (size - 1) / output_stride * output_stride + 1;
  int above = below + output_stride;
  if (below == size) return "input size " + std::to_string(size) + " is valid";
  if (above > largest) return head + rule + "; the nearest valid size is " + std::to_string(below);
  return head + rule + "; nearest valid sizes are " + std::to_string(below) + " and " + std::to_string(above);
}

ConvParams resolveWindow(const WindowSpec& spec, Shape in) {
  ConvParams params{spec.kernel_h, spec.kernel_w, spec.stride_h, spec.stride_w, spec.dilation_h, spec.dilation_w, {}};
  switch (spec.padding) {
    case PaddingMode::Explicit: params.pad = spec.pad; break;
    case PaddingMode::Valid: break;
    case PaddingMode::SameUpper:
    case PaddingMode::SameLower: {
      bool extra_before = spec.padding == PaddingMode::SameLower;
      auto [top, bottom] = samePadding(in.h, spec.kernel_h, spec.stride_h, spec.dilation_h, extra_before);
      auto [left, right] = samePadding(in.w, spec.kernel_w, spec.stride_w, spec.dilation_w, extra_before);
      params.pad = {top, left, bottom, right};
      break;
    }
  }
  return params;
}

ShapePlan planShapes(const Model& model, int input_h, int input_w) {
  int stride = model.metadata.output_stride;
  for (int side : {input_h, input_w})
    if (!isValidInputSize(side, stride)) throw ModelError(invalidInputSizeMessage(side, stride));
  ShapePlan plan;
  plan.tensors.resize(model.tensors.size());
  plan.windows.resize(model.nodes.size());
  plan.tensors[size_t(model.input)] = {model.tensors[size_t(model.input)].channels, input_h, input_w};
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const ModelNode& node = model.nodes[i];
    Shape in = plan.tensors[size_t(node.inputs[0])];
    Shape& out = plan.tensors[size_t(node.output)];
    if (node.kind == NodeKind::Add) {
      out = addOutput(model, i, in, plan.tensors[size_t(node.inputs[1])]);
    } else {
      plan.windows[i] = resolveWindow(node.window, in);
      out = windowOutput(model, i, in, plan.windows[i]);
    }
  }
  return plan;
}

}  // namespace vkpose
