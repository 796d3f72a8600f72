#include "tests/support/ir_builder.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <random>
#include <stdexcept>
#include <utility>

#include "tests/support/test_data.h"

namespace vkpose::test {

using convert::Node;
using convert::OpKind;

namespace {

convert::Window sameWindow(int kernel, int stride) {
  convert::Window w;
  w.kernel_h = w.kernel_w = kernel;
  w.stride_h = w.stride_w = stride;
  w.padding = convert::PaddingMode::SameUpper;
  return w;
}

// Multiples of 1/16 in [-1, 1]: few mantissa bits, so sums and power-of-two
// products stay exact in fp32.
std::vector<float> coarseFloats(size_t count, std::uint32_t seed) {
  std::vector<float> values = randomFloats(count, seed);
  for (float& v : values) v = std::round(v * 16.f) / 16.f;
  return values;
}

Node makeNode(const std::string& name, OpKind kind, std::vector<int> inputs) {
  Node node;
  node.name = name;
  node.kind = kind;
  node.inputs = std::move(inputs);
  return node;
}

}  // namespace

GraphBuilder::GraphBuilder(int input_channels) { graph_.input = graph_.addTensor("image", input_channels); }

int GraphBuilder::channelsOf(int tensor) const { return graph_.tensors.at(size_t(tensor)).channels; }

int GraphBuilder::append(Node node, int channels) {
  node.output = graph_.addTensor(node.name, channels);
  graph_.nodes.push_back(std::move(node));
  return graph_.nodes.back().output;
}

int GraphBuilder::conv(const std::string& name, int from, int out_channels, int kernel, int stride) {
  Node node = makeNode(name, OpKind::Conv2d, {from});
  node.window = sameWindow(kernel, stride);
  node.in_channels = channelsOf(from);
  node.out_channels = out_channels;
  node.weights = randomFloats(size_t(out_channels) * size_t(node.in_channels) * size_t(kernel * kernel), nextSeed());
  node.bias = coarseFloats(size_t(out_channels), nextSeed());
  return append(std::move(node), out_channels);
}

int GraphBuilder::depthwise(const std::string& name, int from, int kernel, int stride) {
  Node node = makeNode(name, OpKind::DepthwiseConv2d, {from});
  node.window = sameWindow(kernel, stride);
  int channels = channelsOf(from);
  node.in_channels = node.out_channels = channels;
  node.weights = randomFloats(size_t(channels) * size_t(kernel * kernel), nextSeed());
  node.bias = coarseFloats(size_t(channels), nextSeed());
  return append(std::move(node), channels);
}

int GraphBuilder::batchNorm(const std::string& name, int from) {
  return batchNorm(name, from, randomBatchNorm(channelsOf(from), nextSeed()));
}

int GraphBuilder::batchNorm(const std::string& name, int from, convert::BatchNormParams params) {
  Node node = makeNode(name, OpKind::BatchNorm, {from});
  node.batch_norm = std::move(params);
  return append(std::move(node), channelsOf(from));
}

int GraphBuilder::relu(const std::string& name, int from) {
  return append(makeNode(name, OpKind::Relu, {from}), channelsOf(from));
}

int GraphBuilder::clip(const std::string& name, int from, float min, float max) {
  Node node = makeNode(name, OpKind::Clip, {from});
  node.clip_min = min;
  node.clip_max = max;
  return append(std::move(node), channelsOf(from));
}

int GraphBuilder::sigmoid(const std::string& name, int from) {
  return append(makeNode(name, OpKind::Sigmoid, {from}), channelsOf(from));
}

int GraphBuilder::add(const std::string& name, int a, int b) {
  return append(makeNode(name, OpKind::Add, {a, b}), channelsOf(a));
}

int GraphBuilder::maxPool(const std::string& name, int from, int kernel, int stride) {
  Node node = makeNode(name, OpKind::MaxPool, {from});
  node.window = sameWindow(kernel, stride);
  return append(std::move(node), channelsOf(from));
}

int GraphBuilder::averagePool(const std::string& name, int from, int kernel, int stride) {
  Node node = makeNode(name, OpKind::AveragePool, {from});
  node.window = sameWindow(kernel, stride);
  return append(std::move(node), channelsOf(from));
}

int GraphBuilder::identity(const std::string& name, int from) {
  return append(makeNode(name, OpKind::Identity, {from}), channelsOf(from));
}

void GraphBuilder::output(convert::OutputRole role, int tensor) { graph_.outputs.push_back({role, tensor}); }

Node& GraphBuilder::node(const std::string& name) {
  auto found = std::find_if(graph_.nodes.begin(), graph_.nodes.end(), [&](const Node& n) { return n.name == name; });
  if (found == graph_.nodes.end()) throw std::invalid_argument("GraphBuilder: no node '" + name + "'");
  return *found;
}

convert::BatchNormParams exactBatchNorm(int channels, std::uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_int_distribution<int> power(-1, 1);
  convert::BatchNormParams p;
  p.epsilon = 0.f;
  for (int c = 0; c < channels; ++c) {
    p.variance.push_back(std::ldexp(1.f, 2 * power(engine)));  // 1/4, 1 or 4: sqrt is a power of two
    p.scale.push_back(std::ldexp(engine() % 2 ? 1.f : -1.f, power(engine)));
  }
  p.mean = coarseFloats(size_t(channels), seed + 1);
  p.shift = coarseFloats(size_t(channels), seed + 2);
  return p;
}

convert::BatchNormParams randomBatchNorm(int channels, std::uint32_t seed) {
  size_t n = size_t(channels);
  convert::BatchNormParams p;
  p.scale = randomFloats(n, seed, 0.5f, 1.5f);
  p.shift = randomFloats(n, seed + 1, -0.5f, 0.5f);
  p.mean = randomFloats(n, seed + 2, -0.5f, 0.5f);
  p.variance = randomFloats(n, seed + 3, 0.5f, 2.f);
  p.epsilon = 1e-3f;
  return p;
}

::testing::AssertionResult throwsConvertError(const std::function<void()>& action, const std::string& fragment) {
  try {
    action();
  } catch (const convert::ConvertError& e) {
    if (std::string(e.what()).find(fragment) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "ConvertError \"" << e.what() << "\" does not mention \"" << fragment
                                         << "\"";
  }
  return ::testing::AssertionFailure() << "no ConvertError (expected one mentioning \"" << fragment << "\")";
}

const Node* findNode(const convert::Graph& graph, const std::string& name) {
  for (const Node& node : graph.nodes)
    if (node.name == name) return &node;
  return nullptr;
}

int countNodes(const convert::Graph& graph, OpKind kind) {
  return int(std::count_if(graph.nodes.begin(), graph.nodes.end(), [&](const Node& n) { return n.kind == kind; }));
}

std::string outputTensorName(const convert::Graph& graph, convert::OutputRole role) {
  for (const convert::Output& output : graph.outputs)
    if (output.role == role) return graph.tensors.at(size_t(output.tensor)).name;
  return "";
}

}  // namespace vkpose::test
