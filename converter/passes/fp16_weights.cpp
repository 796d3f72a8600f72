// Marks conv weights and bias for fp16 storage and rounds the IR's floats to
// the nearest fp16, so what the IR holds (and what --inspect or a test reads)
// is exactly what the .vkpose file will store.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "converter/passes/passes.h"
#include "converter/passes/rewrite.h"
#include "runtime/model/half.h"

namespace vkpose::convert {

namespace {

struct Rounded {
  size_t node = 0;
  std::vector<float> weights, bias;
  double max_error = 0;
};

// A finite weight beyond fp16's range would be stored as infinity.
std::vector<float> roundToHalf(const Node& node, const std::vector<float>& values, const char* what,
                               double& max_error) {
  std::vector<float> rounded(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    rounded[i] = halfToFloat(floatToHalf(values[i]));
    if (std::isinf(rounded[i]) && std::isfinite(values[i]))
      throw ConvertError("fp16_weights: " + quoted(node) + " " + what + "[" + std::to_string(i) +
                         "] = " + std::to_string(values[i]) + " is outside the fp16 range (|x| <= 65504)");
    max_error = std::max(max_error, std::fabs(double(rounded[i]) - double(values[i])));
  }
  return rounded;
}

std::vector<Rounded> roundAll(const Graph& graph) {
  std::vector<Rounded> results;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    if (!isConv(node.kind) || node.weight_type == WeightType::Float16) continue;
    Rounded r{i, {}, {}, 0};
    r.weights = roundToHalf(node, node.weights, "weights", r.max_error);
    r.bias = roundToHalf(node, node.bias, "bias", r.max_error);
    results.push_back(std::move(r));
  }
  return results;
}

std::string describe(const Node& node, double max_error) {
  std::ostringstream line;
  line << "fp16_weights: " << quoted(node) << " stored as fp16, max absolute rounding error " << max_error;
  return line.str();
}

}  // namespace

void fp16Weights(Graph& graph, Log& log) {
  validateGraph(graph);
  for (Rounded& r : roundAll(graph)) {
    Node& node = graph.nodes[r.node];
    node.weights = std::move(r.weights);
    node.bias = std::move(r.bias);
    node.weight_type = WeightType::Float16;
    log.verbose(describe(node, r.max_error));
  }
}

}  // namespace vkpose::convert
