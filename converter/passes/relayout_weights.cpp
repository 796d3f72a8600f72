// Packs OIHW conv weights into the layouts the kernels read (DenseC4 for
// Conv2d, DepthwiseC4 for DepthwiseConv2d), with the same packers the ops
// use at load time. Bias is always packed, zeros when absent, so the runtime
// never needs a bias-less variant. Nodes already re-laid out are left alone.
#include <cstddef>
#include <string>

#include "converter/passes/passes.h"
#include "converter/passes/rewrite.h"
#include "runtime/model/weight_layout.h"

namespace vkpose::convert {

namespace {

const char* layoutName(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::OIHW: return "OIHW";
    case WeightLayout::DenseC4: return "DenseC4";
    case WeightLayout::DepthwiseC4: return "DepthwiseC4";
  }
  return "?";
}

void relayout(Node& node) {
  const Window& w = node.window;
  if (node.kind == OpKind::Conv2d) {
    node.weights = packDenseC4(node.weights, node.out_channels, node.in_channels, w.kernel_h, w.kernel_w);
    node.layout = WeightLayout::DenseC4;
  } else {
    node.weights = packDepthwiseC4(node.weights, node.out_channels, w.kernel_h, w.kernel_w);
    node.layout = WeightLayout::DepthwiseC4;
  }
  node.bias = packBiasC4(node.bias, node.out_channels);
}

}  // namespace

void relayoutWeights(Graph& graph, Log& log) {
  // validateGraph checks every OIHW weight count, so the packers cannot throw.
  validateGraph(graph);
  for (Node& node : graph.nodes) {
    if (!isConv(node.kind) || node.layout != WeightLayout::OIHW) continue;
    size_t oihw_count = node.weights.size();
    relayout(node);
    log.verbose("relayout_weights: " + quoted(node) + " OIHW -> " + layoutName(node.layout) + " (" +
                std::to_string(oihw_count) + " -> " + std::to_string(node.weights.size()) + " weights)");
  }
}

}  // namespace vkpose::convert
