// A .vkpose model decoded into plain, owning C++ values. Loading verifies the
// flatbuffer, refuses newer schema versions and validates the graph (indices,
// order, channel counts, weight sizes, metadata), so everything downstream can
// trust a Model it did not build itself. docs/model-format.md describes the file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.h"
#include "runtime/model/activation.h"
#include "runtime/model/window.h"

namespace vkpose {

// The newest schema version this build reads (runtime/schema/vkpose.fbs history).
inline constexpr uint32_t kModelSchemaVersion = 1;

// Bounds that no real model comes near; they keep every size computation far
// from integer overflow when a file is corrupt.
inline constexpr int kMaxModelChannels = 1 << 16;
inline constexpr int kMaxWindowExtent = 1 << 10;  // kernel, stride, dilation and explicit padding

// Every problem with a model file or its contents, naming the file and, where
// there is one, the node.
class ModelError : public Error {
 public:
  using Error::Error;
};

enum class NodeKind { Conv2d, DepthwiseConv2d, MaxPool, AveragePool, Add };
// SameUpper/SameLower depend on the input size and are resolved by planShapes.
enum class PaddingMode { Explicit, SameUpper, SameLower, Valid };
enum class WeightLayout { OIHW, DenseC4, DepthwiseC4 };
enum class Preprocessing { MobileNet, ResNet };
enum class OutputRole { Heatmap, Offsets, DisplacementFwd, DisplacementBwd };

const char* nodeKindName(NodeKind kind);          // "Conv2d", ...
const char* paddingModeName(PaddingMode mode);    // "explicit", "same_upper", "same_lower", "valid"
const char* weightLayoutName(WeightLayout layout);  // "OIHW", "DenseC4", "DepthwiseC4"
const char* preprocessingName(Preprocessing p);   // "MobileNet", "ResNet"
const char* outputRoleName(OutputRole role);      // "heatmap", "offsets", "displacement_fwd", "displacement_bwd"

struct WindowSpec {
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  PaddingMode padding = PaddingMode::Explicit;
  Padding pad;  // Explicit only; zero for the other modes

  bool operator==(const WindowSpec& other) const;
};

// Weights or bias in their stored order, widened to float.
// OIHW: conv [out][in][kh][kw], depthwise [c][1][kh][kw], bias [c].
// DenseC4 / DepthwiseC4: runtime/model/weight_layout.h; bias then [c/4][4].
struct WeightData {
  std::vector<float> values;  // empty: absent (bias only)
  WeightLayout layout = WeightLayout::OIHW;
  bool stored_fp16 = false;

  bool operator==(const WeightData&) const = default;
};

struct ModelTensor {
  std::string name;
  int channels = 0;  // height and width follow from the input size

  bool operator==(const ModelTensor&) const = default;
};

struct ModelNode {
  std::string name;
  NodeKind kind = NodeKind::Conv2d;
  std::vector<int> inputs;  // tensor indices; Add reads two, the rest one
  int output = 0;           // tensor index
  WindowSpec window;        // convs and pools
  int in_channels = 0, out_channels = 0;
  Epilogue epilogue;        // convs and Add
  bool count_include_pad = false;  // AveragePool
  WeightData weights;       // convs
  WeightData bias;          // convs, optional

  bool operator==(const ModelNode& other) const;
};

struct ModelOutput {
  OutputRole role = OutputRole::Heatmap;
  int tensor = 0;

  bool operator==(const ModelOutput&) const = default;
};

struct SkeletonEdge {
  int a = 0, b = 0;  // indices into keypoint_names

  bool operator==(const SkeletonEdge&) const = default;
};

struct ModelMetadata {
  std::string architecture;
  std::string source;
  Preprocessing preprocessing = Preprocessing::MobileNet;
  std::vector<float> mean;  // ResNet: added per RGB channel; empty for MobileNet
  int output_stride = 16;
  std::vector<std::string> keypoint_names;
  std::vector<SkeletonEdge> skeleton;

  bool operator==(const ModelMetadata&) const = default;
};

struct Model {
  std::vector<ModelTensor> tensors;
  int input = 0;                 // the normalised RGB image, 3 channels
  std::vector<ModelNode> nodes;  // topologically sorted
  std::vector<ModelOutput> outputs;
  ModelMetadata metadata;

  bool operator==(const Model&) const = default;
};

// Decodes and validates a model held in memory; `source` names it in messages.
Model parseModel(std::span<const uint8_t> bytes, const std::string& source = "model");
// Reads `path` and parses it. Throws ModelError.
Model loadModel(const std::string& path);

// The semantic checks parseModel runs, for models built in code. Throws
// ModelError naming `source` and the offending node or field.
void validateModel(const Model& model, const std::string& source);

// "node 3 'conv_2' (Conv2d)": how messages name a node.
std::string describeNode(const Model& model, size_t node_index);

// Text from a model file made safe for a message or a terminal: bytes outside
// printable ASCII, quotes and backslashes become \xNN.
std::string escapeText(std::string_view text);

}  // namespace vkpose
