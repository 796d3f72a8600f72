// What the TF.js front end decides once every node is imported: which
// graph leaves are PoseNet's four outputs, the output stride, and the
// metadata.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "converter/ir.h"
#include "converter/log.h"
#include "converter/tfjs_nodes.h"

namespace vkpose::convert {

struct TfjsGraph {
  Graph graph;
  std::map<std::string, int> tensor_of;  // TF node -> the IR tensor holding its value
  std::map<std::string, int> readers;    // TF node -> how many node inputs name it
};

// The leaves (non-Const nodes nothing reads) must be exactly one each of
// heatmap, offset, displacement_fwd and displacement_bwd, matched in the
// node name; otherwise throws ConvertError listing the leaves found.
void assignOutputRoles(TfjsGraph& imported, const std::vector<TfjsNode>& nodes);

// Product of the window strides from the input to the heatmap; throws
// unless it is 8, 16 or 32 and every output shares it.
int outputStride(const Graph& graph);

// Fills graph.metadata from model.json's generatedBy / convertedBy and the
// output stride.
void describeModel(Graph& graph, const nlohmann::json& model, const std::string& file_name);

// One verbose line per node kind: "tfjs import: 13 DepthwiseConv2d nodes".
void logNodeCounts(const Graph& graph, Log& log);

}  // namespace vkpose::convert
