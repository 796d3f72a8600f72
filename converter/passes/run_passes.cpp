// The pass pipeline, and the check that what is left is something the
// runtime can execute: it has kernels for Conv2d, DepthwiseConv2d, MaxPool,
// AveragePool and Add only, so a BatchNorm with nothing to fold into, or an
// activation with nothing to fuse into, is an error rather than a model the
// runtime would reject later.
#include <cstddef>
#include <string>

#include "converter/passes/passes.h"
#include "converter/passes/rewrite.h"

namespace vkpose::convert {

namespace {

bool runtimeExecutes(OpKind kind) {
  return isConv(kind) || kind == OpKind::MaxPool || kind == OpKind::AveragePool || kind == OpKind::Add;
}

std::string whyLeftOver(OpKind kind) {
  if (kind == OpKind::BatchNorm)
    return "could not be folded: it must directly follow a Conv2d or DepthwiseConv2d that has no activation, "
           "has the same channel count, and whose output nothing else reads; the runtime has no BatchNorm kernel";
  if (isActivation(kind))
    return "left unfused: it must directly follow a Conv2d, DepthwiseConv2d or Add that has no activation yet "
           "and whose output nothing else reads; the runtime has no standalone activation kernel";
  return "has no runtime kernel";
}

// Reports the first node in graph order, which is where a user would start
// looking in the source model.
void requireRuntimeOps(const Graph& graph) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (runtimeExecutes(node.kind)) continue;
    throw ConvertError(std::string(opKindName(node.kind)) + " node " + quoted(node) + " (node " + std::to_string(i) +
                       ") " + whyLeftOver(node.kind));
  }
}

}  // namespace

void runPasses(Graph& graph, const PassOptions& options, Log& log) {
  removeIdentity(graph, log);
  foldBatchNorm(graph, log);
  fuseActivation(graph, log);
  requireRuntimeOps(graph);
  if (options.relayout) relayoutWeights(graph, log);
  if (options.fp16) fp16Weights(graph, log);
  validateGraph(graph);
}

}  // namespace vkpose::convert
