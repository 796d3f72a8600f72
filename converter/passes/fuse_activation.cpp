// Moves a Relu/Clip/Sigmoid into the epilogue of the Conv2d, DepthwiseConv2d
// or Add producing its input. Pools have no epilogue; a value read elsewhere
// or exposed as a graph output must stay un-activated; an epilogue holds one
// activation, so a second one is left for runPasses to report.
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "converter/passes/passes.h"
#include "converter/passes/rewrite.h"

namespace vkpose::convert {

namespace {

struct Fusion {
  size_t producer = 0, activation = 0;
};

bool hasEpilogue(OpKind kind) { return isConv(kind) || kind == OpKind::Add; }

void requireOrderedClip(const Node& clip) {
  if (!(clip.clip_min <= clip.clip_max))
    throw ConvertError("Clip " + quoted(clip) + ": min " + std::to_string(clip.clip_min) + " must not exceed max " +
                       std::to_string(clip.clip_max));
}

std::vector<Fusion> findFusions(const Graph& graph) {
  std::vector<Fusion> fusions;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& producer = graph.nodes[i];
    if (!hasEpilogue(producer.kind) || producer.activation != Activation::None) continue;
    int reader = soleConsumer(graph, producer.output);
    if (reader < 0 || !isActivation(graph.nodes[size_t(reader)].kind)) continue;
    if (graph.nodes[size_t(reader)].kind == OpKind::Clip) requireOrderedClip(graph.nodes[size_t(reader)]);
    fusions.push_back({i, size_t(reader)});
  }
  return fusions;
}

// Clip(0, +inf) is a Relu, which is cheaper and needs no bounds.
bool isRelu(const Node& activation) {
  return activation.kind == OpKind::Relu || (activation.kind == OpKind::Clip && activation.clip_min == 0.f &&
                                             std::isinf(activation.clip_max) && activation.clip_max > 0);
}

Activation epilogueOf(const Node& activation) {
  if (isRelu(activation)) return Activation::Relu;
  return activation.kind == OpKind::Clip ? Activation::Clip : Activation::Sigmoid;
}

const char* epilogueName(Activation activation) {
  switch (activation) {
    case Activation::None: return "None";
    case Activation::Relu: return "Relu";
    case Activation::Clip: return "Clip";
    case Activation::Sigmoid: return "Sigmoid";
  }
  return "?";
}

void fuse(Node& producer, const Node& activation) {
  producer.activation = epilogueOf(activation);
  if (producer.activation == Activation::Clip) {
    producer.clip_min = activation.clip_min;
    producer.clip_max = activation.clip_max;
  }
  // Taking over the activation's output keeps its readers, name and roles.
  producer.output = activation.output;
}

}  // namespace

void fuseActivation(Graph& graph, Log& log) {
  validateGraph(graph);
  std::vector<Fusion> fusions = findFusions(graph);
  std::vector<bool> erase(graph.nodes.size(), false);
  for (const Fusion& fusion : fusions) {
    Node& producer = graph.nodes[fusion.producer];
    const Node& activation = graph.nodes[fusion.activation];
    fuse(producer, activation);
    erase[fusion.activation] = true;
    log.verbose("fuse_activation: fused " + quoted(activation) + " (" + opKindName(activation.kind) + ") into " +
                quoted(producer) + " as " + epilogueName(producer.activation));
  }
  eraseNodes(graph, erase);
}

}  // namespace vkpose::convert
