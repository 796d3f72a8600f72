// Small converter graphs for the pass tests, and checks on them. Each call appends one node, with
// deterministic random parameters, and returns its output tensor, named
// after the node. Convs and pools use SameUpper padding (TF's SAME); tests
// change node(name) for anything else.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "converter/ir.h"

namespace vkpose::test {

class GraphBuilder {
 public:
  explicit GraphBuilder(int input_channels = 3);

  int input() const { return graph_.input; }

  // Weights uniform in [-1, 1]; bias in multiples of 1/16, so a BatchNorm
  // with power-of-two factors (exactBatchNorm) folds without rounding.
  int conv(const std::string& name, int from, int out_channels, int kernel = 3, int stride = 1);
  int depthwise(const std::string& name, int from, int kernel = 3, int stride = 1);
  int batchNorm(const std::string& name, int from);  // randomBatchNorm
  int batchNorm(const std::string& name, int from, convert::BatchNormParams params);
  int relu(const std::string& name, int from);
  int clip(const std::string& name, int from, float min, float max);
  int sigmoid(const std::string& name, int from);
  int add(const std::string& name, int a, int b);
  int maxPool(const std::string& name, int from, int kernel, int stride);
  int averagePool(const std::string& name, int from, int kernel, int stride);
  int identity(const std::string& name, int from);

  void output(convert::OutputRole role, int tensor);

  convert::Node& node(const std::string& name);  // throws std::invalid_argument when absent
  convert::Graph& graph() { return graph_; }

 private:
  int append(convert::Node node, int channels);
  int channelsOf(int tensor) const;
  // Strided, because randomBatchNorm also uses the next few seeds.
  std::uint32_t nextSeed() { return seed_ += 8; }

  convert::Graph graph_;
  std::uint32_t seed_ = 1;
};

// Scale, variance and epsilon give power-of-two factors scale/sqrt(var+eps),
// and mean/shift are multiples of 1/16: folding is exact in fp32.
convert::BatchNormParams exactBatchNorm(int channels, std::uint32_t seed);
// Arbitrary well-conditioned parameters (variance in [0.5, 2], eps 1e-3).
convert::BatchNormParams randomBatchNorm(int channels, std::uint32_t seed);

// Passes when `action` throws ConvertError whose message contains `fragment`.
::testing::AssertionResult throwsConvertError(const std::function<void()>& action, const std::string& fragment);

// The first node named `name`, or nullptr.
const convert::Node* findNode(const convert::Graph& graph, const std::string& name);
int countNodes(const convert::Graph& graph, convert::OpKind kind);
// The tensor a role reads, by name ("" when the role is absent).
std::string outputTensorName(const convert::Graph& graph, convert::OutputRole role);

}  // namespace vkpose::test
