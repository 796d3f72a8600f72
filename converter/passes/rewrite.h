// Graph edits shared by the passes. A pass first collects its matches (and
// throws on bad input while the graph is still untouched), then applies them
// with these helpers.
#pragma once

#include <string>
#include <vector>

#include "converter/ir.h"

namespace vkpose::convert {

bool isConv(OpKind kind);        // Conv2d or DepthwiseConv2d
bool isActivation(OpKind kind);  // Relu, Clip or Sigmoid

// The node that alone reads `tensor`, or -1 when it has no reader, several
// readers, or is a graph output (whose value must stay observable).
int soleConsumer(const Graph& graph, int tensor);

// Points every node input and graph output reading `from` at `to`.
void replaceUses(Graph& graph, int from, int to);

// Drops the nodes flagged in `erase`, then every tensor nothing refers to any
// more, renumbering the remaining tensor indices.
void eraseNodes(Graph& graph, const std::vector<bool>& erase);

// "'conv1'": how log lines and errors name a node.
std::string quoted(const Node& node);

}  // namespace vkpose::convert
