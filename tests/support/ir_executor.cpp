#include "tests/support/ir_executor.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/test_data.h"

namespace vkpose::test {

namespace {

using convert::Node;
using convert::OpKind;

std::string where(const Node& node) {
  return std::string("executeGraph: ") + convert::opKindName(node.kind) + " node '" + node.name + "'";
}

ref::Padding resolvePadding(const convert::Window& w, const ref::Tensor& in, int dilation_h, int dilation_w) {
  switch (w.padding) {
    case convert::PaddingMode::Explicit: return {w.pad_top, w.pad_left, w.pad_bottom, w.pad_right};
    case convert::PaddingMode::Valid: return {};
    case convert::PaddingMode::SameUpper:
      return ref::samePadding(in.h, in.w, w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, dilation_h, dilation_w);
    case convert::PaddingMode::SameLower: {
      // Same totals as SameUpper, with the odd extra pixel at the start.
      ref::Padding upper =
          ref::samePadding(in.h, in.w, w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, dilation_h, dilation_w);
      return {upper.bottom, upper.right, upper.top, upper.left};
    }
  }
  throw std::invalid_argument("executeGraph: unknown padding mode");
}

ref::Epilogue epilogueOf(convert::Activation activation, double clip_min, double clip_max) {
  switch (activation) {
    case convert::Activation::None: return {ref::Activation::None, clip_min, clip_max};
    case convert::Activation::Relu: return {ref::Activation::Relu, clip_min, clip_max};
    case convert::Activation::Clip: return {ref::Activation::Clip, clip_min, clip_max};
    case convert::Activation::Sigmoid: return {ref::Activation::Sigmoid, clip_min, clip_max};
  }
  throw std::invalid_argument("executeGraph: unknown activation");
}

ref::Epilogue epilogueOf(const Node& node) { return epilogueOf(node.activation, node.clip_min, node.clip_max); }

ref::Tensor runConv(const Node& node, const ref::Tensor& in) {
  if (node.layout != convert::WeightLayout::OIHW)
    throw std::invalid_argument(where(node) + " has C4-packed weights; only OIHW graphs (before relayoutWeights) run");
  const convert::Window& w = node.window;
  ref::ConvSpec spec;
  spec.kh = w.kernel_h;
  spec.kw = w.kernel_w;
  spec.stride_h = w.stride_h;
  spec.stride_w = w.stride_w;
  spec.dilation_h = w.dilation_h;
  spec.dilation_w = w.dilation_w;
  spec.pad = resolvePadding(w, in, w.dilation_h, w.dilation_w);
  spec.groups = node.kind == OpKind::DepthwiseConv2d ? in.c : 1;
  spec.epilogue = epilogueOf(node);
  return ref::conv2d(in, toDoubles(node.weights), toDoubles(node.bias), node.out_channels, spec);
}

ref::Tensor runPool(const Node& node, const ref::Tensor& in) {
  const convert::Window& w = node.window;
  if (w.dilation_h != 1 || w.dilation_w != 1) throw std::invalid_argument(where(node) + ": dilated pools unsupported");
  ref::PoolSpec spec;
  spec.kh = w.kernel_h;
  spec.kw = w.kernel_w;
  spec.stride_h = w.stride_h;
  spec.stride_w = w.stride_w;
  spec.pad = resolvePadding(w, in, 1, 1);
  spec.count_include_pad = node.count_include_pad;
  return node.kind == OpKind::MaxPool ? ref::maxPool(in, spec) : ref::avgPool(in, spec);
}

ref::Tensor runBatchNorm(const Node& node, ref::Tensor t) {
  const convert::BatchNormParams& p = node.batch_norm;
  size_t channels = size_t(t.c);
  if (p.scale.size() != channels || p.shift.size() != channels || p.mean.size() != channels ||
      p.variance.size() != channels)
    throw std::invalid_argument(where(node) + ": parameters do not have " + std::to_string(t.c) + " channels");
  size_t plane = size_t(t.h) * size_t(t.w);
  for (size_t c = 0; c < channels; ++c) {
    double s = double(p.scale[c]) / std::sqrt(double(p.variance[c]) + double(p.epsilon));
    for (size_t i = c * plane; i < (c + 1) * plane; ++i)
      t.data[i] = (t.data[i] - double(p.mean[c])) * s + double(p.shift[c]);
  }
  return t;
}

ref::Tensor runActivation(const Node& node, ref::Tensor t) {
  convert::Activation kind = node.kind == OpKind::Relu   ? convert::Activation::Relu
                             : node.kind == OpKind::Clip ? convert::Activation::Clip
                                                         : convert::Activation::Sigmoid;
  ref::Epilogue epilogue = epilogueOf(kind, node.clip_min, node.clip_max);
  for (double& value : t.data) value = ref::activate(value, epilogue);
  return t;
}

ref::Tensor runNode(const Node& node, const std::vector<ref::Tensor>& values) {
  const ref::Tensor& in = values[size_t(node.inputs[0])];
  switch (node.kind) {
    case OpKind::Conv2d:
    case OpKind::DepthwiseConv2d: return runConv(node, in);
    case OpKind::BatchNorm: return runBatchNorm(node, in);
    case OpKind::Relu:
    case OpKind::Clip:
    case OpKind::Sigmoid: return runActivation(node, in);
    case OpKind::Add: return ref::add(in, values[size_t(node.inputs[1])], epilogueOf(node));
    case OpKind::MaxPool:
    case OpKind::AveragePool: return runPool(node, in);
    case OpKind::Identity: return in;
  }
  throw std::invalid_argument(where(node) + ": unknown operator");
}

}  // namespace

OutputsByRole executeGraph(const convert::Graph& graph, const ref::Tensor& input) {
  convert::validateGraph(graph);
  int input_channels = graph.tensors[size_t(graph.input)].channels;
  if (input.c != input_channels)
    throw std::invalid_argument("executeGraph: input has " + std::to_string(input.c) + " channels, graph expects " +
                                std::to_string(input_channels));
  std::vector<ref::Tensor> values(graph.tensors.size());
  values[size_t(graph.input)] = input;
  for (const Node& node : graph.nodes) values[size_t(node.output)] = runNode(node, values);

  OutputsByRole outputs;
  for (const convert::Output& output : graph.outputs)
    if (!outputs.emplace(output.role, values[size_t(output.tensor)]).second)
      throw std::invalid_argument(std::string("executeGraph: role ") + convert::outputRoleName(output.role) +
                                  " appears twice");
  return outputs;
}

OutputsByRole executeOnRandomInput(const convert::Graph& graph, int h, int w, std::uint32_t seed) {
  if (graph.input < 0 || size_t(graph.input) >= graph.tensors.size())
    throw std::invalid_argument("executeOnRandomInput: graph has no input tensor");
  return executeGraph(graph, randomTensor(graph.tensors[size_t(graph.input)].channels, h, w, seed));
}

double maxRelativeDifference(const OutputsByRole& expected, const OutputsByRole& actual) {
  if (expected.size() != actual.size()) throw std::invalid_argument("maxRelativeDifference: different output roles");
  double max_error = 0, max_value = 0;
  for (const auto& [role, want] : expected) {
    auto found = actual.find(role);
    const char* name = convert::outputRoleName(role);
    if (found == actual.end()) throw std::invalid_argument(std::string("maxRelativeDifference: no output ") + name);
    const ref::Tensor& got = found->second;
    if (got.c != want.c || got.h != want.h || got.w != want.w)
      throw std::invalid_argument(std::string("maxRelativeDifference: output ") + name + " changed shape");
    for (size_t i = 0; i < want.data.size(); ++i) {
      double error = std::fabs(got.data[i] - want.data[i]);
      if (std::isnan(error)) return std::numeric_limits<double>::infinity();  // std::max would drop it
      max_error = std::max(max_error, error);
      max_value = std::max(max_value, std::fabs(want.data[i]));
    }
  }
  return max_value > 0 ? max_error / max_value : max_error;
}

ref::Tensor randomTensor(int c, int h, int w, std::uint32_t seed) {
  ref::Tensor t = ref::Tensor::zeros(c, h, w);
  t.data = toDoubles(randomFloats(t.data.size(), seed));
  return t;
}

}  // namespace vkpose::test
