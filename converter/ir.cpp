#include "converter/ir.h"

#include <algorithm>
#include <cmath>

namespace vkpose::convert {

const char* opKindName(OpKind kind) {
  switch (kind) {
    case OpKind::Conv2d: return "Conv2d";
    case OpKind::DepthwiseConv2d: return "DepthwiseConv2d";
    case OpKind::BatchNorm: return "BatchNorm";
    case OpKind::Relu: return "Relu";
    case OpKind::Clip: return "Clip";
    case OpKind::Sigmoid: return "Sigmoid";
    case OpKind::Add: return "Add";
    case OpKind::MaxPool: return "MaxPool";
    case OpKind::AveragePool: return "AveragePool";
    case OpKind::Identity: return "Identity";
  }
  return "?";
}

int Graph::addTensor(std::string name, int channels) {
  tensors.push_back({std::move(name), channels});
  return int(tensors.size()) - 1;
}

int Graph::producerOf(int tensor) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].output == tensor) return int(i);
  return -1;
}

std::vector<int> Graph::consumersOf(int tensor) const {
  std::vector<int> readers;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (std::find(nodes[i].inputs.begin(), nodes[i].inputs.end(), tensor) != nodes[i].inputs.end())
      readers.push_back(int(i));
  return readers;
}

bool Graph::isGraphOutput(int tensor) const {
  return std::any_of(outputs.begin(), outputs.end(), [&](const Output& o) { return o.tensor == tensor; });
}

namespace {

std::string where(const Node& node, size_t index) {
  return "node " + std::to_string(index) + " '" + node.name + "' (" + opKindName(node.kind) + ")";
}

size_t expectedInputs(OpKind kind) { return kind == OpKind::Add ? 2 : 1; }

size_t expectedWeights(const Node& n) {
  size_t taps = size_t(n.window.kernel_h) * size_t(n.window.kernel_w);
  if (n.kind == OpKind::Conv2d) return size_t(n.out_channels) * size_t(n.in_channels) * taps;
  if (n.kind == OpKind::DepthwiseConv2d) return size_t(n.out_channels) * taps;
  return 0;
}

void validateNode(const Graph& g, const Node& n, size_t index, const std::vector<bool>& defined) {
  auto fail = [&](const std::string& what) { throw ConvertError(where(n, index) + ": " + what); };
  if (n.inputs.size() != expectedInputs(n.kind))
    fail("takes " + std::to_string(expectedInputs(n.kind)) + " inputs, has " + std::to_string(n.inputs.size()));
  for (int t : n.inputs) {
    if (t < 0 || size_t(t) >= g.tensors.size()) fail("input tensor index " + std::to_string(t) + " out of range");
    if (!defined[size_t(t)]) fail("reads tensor '" + g.tensors[size_t(t)].name + "' before it is produced");
  }
  if (n.output < 0 || size_t(n.output) >= g.tensors.size()) fail("output tensor index out of range");
  // Only convs carry their own channel counts; other nodes take the tensors'.
  bool is_conv = n.kind == OpKind::Conv2d || n.kind == OpKind::DepthwiseConv2d;
  int produced = g.tensors[size_t(n.output)].channels;
  if (is_conv && n.out_channels != produced)
    fail("out_channels " + std::to_string(n.out_channels) + " differs from its output tensor's " + std::to_string(produced));
  int consumed = g.tensors[size_t(n.inputs[0])].channels;
  if (is_conv && n.in_channels != consumed)
    fail("in_channels " + std::to_string(n.in_channels) + " differs from its input tensor's " + std::to_string(consumed));
  if (defined[size_t(n.output)]) fail("output tensor '" + g.tensors[size_t(n.output)].name + "' is produced twice");
  bool has_weights = n.kind == OpKind::Conv2d || n.kind == OpKind::DepthwiseConv2d;
  if (has_weights && n.layout == WeightLayout::OIHW && n.weights.size() != expectedWeights(n))
    fail("has " + std::to_string(n.weights.size()) + " weights, expected " + std::to_string(expectedWeights(n)));
  if (has_weights && !n.bias.empty() && n.layout == WeightLayout::OIHW && n.bias.size() != size_t(n.out_channels))
    fail("has " + std::to_string(n.bias.size()) + " bias values, expected " + std::to_string(n.out_channels));
  for (const auto* values : {&n.weights, &n.bias})
    for (size_t i = 0; i < values->size(); ++i)
      if (!std::isfinite((*values)[i]))
        fail(std::string(values == &n.weights ? "weight" : "bias") + " " + std::to_string(i) + " is not finite");
  if (n.kind == OpKind::DepthwiseConv2d && n.in_channels != n.out_channels)
    fail("depthwise with channel multiplier other than 1 is not supported");
}

}  // namespace

void validateGraph(const Graph& g) {
  if (g.input < 0 || size_t(g.input) >= g.tensors.size()) throw ConvertError("graph has no input tensor");
  std::vector<bool> defined(g.tensors.size(), false);
  defined[size_t(g.input)] = true;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    validateNode(g, g.nodes[i], i, defined);
    defined[size_t(g.nodes[i].output)] = true;
  }
  if (g.outputs.empty()) throw ConvertError("graph has no outputs");
  for (const Output& o : g.outputs)
    if (o.tensor < 0 || size_t(o.tensor) >= g.tensors.size() || !defined[size_t(o.tensor)])
      throw ConvertError(std::string("output ") + outputRoleName(o.role) + " is not produced by any node");
}

}  // namespace vkpose::convert
