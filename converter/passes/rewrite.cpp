#include "converter/passes/rewrite.h"

#include <cstddef>

namespace vkpose::convert {

bool isConv(OpKind kind) { return kind == OpKind::Conv2d || kind == OpKind::DepthwiseConv2d; }

bool isActivation(OpKind kind) { return kind == OpKind::Relu || kind == OpKind::Clip || kind == OpKind::Sigmoid; }

int soleConsumer(const Graph& graph, int tensor) {
  if (graph.isGraphOutput(tensor)) return -1;
  std::vector<int> readers = graph.consumersOf(tensor);
  return readers.size() == 1 ? readers.front() : -1;
}

void replaceUses(Graph& graph, int from, int to) {
  for (Node& node : graph.nodes)
    for (int& input : node.inputs)
      if (input == from) input = to;
  for (Output& output : graph.outputs)
    if (output.tensor == from) output.tensor = to;
}

namespace {

// Keeps the tensors still referenced, in their old order; returns the map
// from old index to new (-1 for dropped ones).
std::vector<int> compactTensors(Graph& graph) {
  std::vector<bool> used(graph.tensors.size(), false);
  used[size_t(graph.input)] = true;
  for (const Node& node : graph.nodes) {
    used[size_t(node.output)] = true;
    for (int input : node.inputs) used[size_t(input)] = true;
  }
  for (const Output& output : graph.outputs) used[size_t(output.tensor)] = true;

  std::vector<int> new_index(graph.tensors.size(), -1);
  std::vector<Tensor> kept;
  for (size_t i = 0; i < graph.tensors.size(); ++i) {
    if (!used[i]) continue;
    new_index[i] = int(kept.size());
    kept.push_back(std::move(graph.tensors[i]));
  }
  graph.tensors = std::move(kept);
  return new_index;
}

}  // namespace

void eraseNodes(Graph& graph, const std::vector<bool>& erase) {
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!erase[i]) kept.push_back(std::move(graph.nodes[i]));
  graph.nodes = std::move(kept);

  std::vector<int> new_index = compactTensors(graph);
  auto remap = [&](int& tensor) { tensor = new_index[size_t(tensor)]; };
  remap(graph.input);
  for (Node& node : graph.nodes) {
    remap(node.output);
    for (int& input : node.inputs) remap(input);
  }
  for (Output& output : graph.outputs) remap(output.tensor);
}

std::string quoted(const Node& node) { return "'" + node.name + "'"; }

}  // namespace vkpose::convert
