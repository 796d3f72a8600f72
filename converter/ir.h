// The converter's in-memory graph. Front ends (ONNX, TF.js) produce it with
// one node per source operation, passes rewrite it, and writers emit .vkpose
// or ONNX from it. Tensors are NCHW with batch 1; only channel counts are
// stored, because spatial sizes follow from whatever input size is used.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/model/activation.h"
#include "runtime/model/model.h"

namespace vkpose::convert {

enum class OpKind {
  Conv2d,           // dense, groups == 1
  DepthwiseConv2d,  // groups == in_channels == out_channels
  BatchNorm,        // y = scale * (x - mean) / sqrt(var + epsilon) + shift
  Relu,
  Clip,             // clip_min / clip_max; Relu6 is Clip(0, 6)
  Sigmoid,
  Add,
  MaxPool,
  AveragePool,
  Identity,         // also the no-op Reshape/Transpose a front end accepted
};
const char* opKindName(OpKind kind);

// The vocabulary shared with the model file is the runtime's own.
using vkpose::Activation;
using vkpose::OutputRole;
using vkpose::PaddingMode;
using vkpose::Preprocessing;
using vkpose::WeightLayout;
using vkpose::outputRoleName;
enum class WeightType { Float32, Float16 };

struct Window {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  PaddingMode padding = PaddingMode::Explicit;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};

struct BatchNormParams {
  std::vector<float> scale, shift, mean, variance;
  float epsilon = 1e-5f;
};

struct Tensor {
  std::string name;
  int channels = 0;
};

struct Node {
  std::string name;  // from the source model, for messages and --inspect
  OpKind kind = OpKind::Identity;
  std::vector<int> inputs;  // tensor indices
  int output = -1;          // tensor index
  Window window;            // convs and pools
  int in_channels = 0, out_channels = 0;
  Activation activation = Activation::None;  // fused epilogue (after passes)
  float clip_min = 0.f, clip_max = 6.f;      // Clip nodes and Clip epilogues
  bool count_include_pad = false;            // AveragePool
  // Conv weights in `layout` order (OIHW from front ends; I = 1 for
  // depthwise), stored as floats even when `weight_type` says they will be
  // written as fp16. Bias may be empty.
  std::vector<float> weights, bias;
  WeightLayout layout = WeightLayout::OIHW;
  WeightType weight_type = WeightType::Float32;
  BatchNormParams batch_norm;  // BatchNorm only
};

struct Metadata {
  std::string architecture;  // e.g. "PoseNet MobileNetV1 0.75"
  std::string source;        // provenance of the weights
  Preprocessing preprocessing = Preprocessing::MobileNet;
  std::vector<float> mean;   // ResNet: added per RGB channel
  int output_stride = 16;
};

struct Output {
  OutputRole role;
  int tensor = -1;
};

struct Graph {
  std::vector<Tensor> tensors;
  int input = -1;  // normalised RGB image, 3 channels
  std::vector<Node> nodes;  // topologically sorted
  std::vector<Output> outputs;
  Metadata metadata;

  int addTensor(std::string name, int channels);
  // Index of the node producing `tensor`, or -1 for the graph input.
  int producerOf(int tensor) const;
  // Indices of the nodes reading `tensor`.
  std::vector<int> consumersOf(int tensor) const;
  bool isGraphOutput(int tensor) const;
};

// Structural checks every writer relies on: indices in range, topological
// order, channel counts consistent, weight sizes match. Throws ConvertError.
void validateGraph(const Graph& graph);

// Errors from importing, passes and writing; the message names the node and
// what is wrong.
class ConvertError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace vkpose::convert
