#include "tests/support/model_builder.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "runtime/keypoints.h"
#include "runtime/model/half.h"
#include "runtime/model/weight_layout.h"
#include "schema/vkpose_generated.h"

namespace vkpose::test {

namespace {

namespace fb = flatbuffers;

// Refuses values that fp16 would round: tests compare decoded weights for
// exact equality.
uint16_t exactHalf(float value) {
  uint16_t half = floatToHalf(value);
  if (!std::isnan(value) && halfToFloat(half) != value)
    throw std::invalid_argument("model_builder: " + std::to_string(value) + " is not exact in fp16");
  return half;
}

std::vector<uint8_t> storedBytes(const WeightData& w) {
  std::vector<uint8_t> bytes;
  if (!w.stored_fp16) {
    bytes.resize(w.values.size() * sizeof(float));
    std::memcpy(bytes.data(), w.values.data(), bytes.size());
    return bytes;
  }
  for (float v : w.values) {
    uint16_t half = exactHalf(v);
    bytes.push_back(uint8_t(half & 0xff));
    bytes.push_back(uint8_t(half >> 8));
  }
  return bytes;
}

fb::Offset<schema::Weights> writeWeights(fb::FlatBufferBuilder& b, const WeightData& w, uint32_t count_skew) {
  if (w.values.empty()) return 0;
  auto data = b.CreateVector(storedBytes(w));
  return schema::CreateWeights(b, w.stored_fp16 ? schema::DataType::Float16 : schema::DataType::Float32,
                               static_cast<schema::WeightLayout>(w.layout), uint32_t(w.values.size()) + count_skew,
                               data);
}

fb::Offset<schema::Window> writeWindow(fb::FlatBufferBuilder& b, const WindowSpec& w) {
  return schema::CreateWindow(b, w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w,
                              static_cast<schema::PaddingMode>(w.padding), w.pad.top, w.pad.left, w.pad.bottom,
                              w.pad.right);
}

fb::Offset<schema::Node> writeNode(fb::FlatBufferBuilder& b, const ModelNode& n, const SerializeOptions& options) {
  auto name = b.CreateString(n.name);
  auto inputs = b.CreateVector(std::vector<uint32_t>(n.inputs.begin(), n.inputs.end()));
  auto window = n.kind == NodeKind::Add ? 0 : writeWindow(b, n.window);
  auto weights = writeWeights(b, n.weights, options.weight_count_skew);
  auto bias = writeWeights(b, n.bias, 0);
  return schema::CreateNode(b, name, static_cast<schema::OpKind>(n.kind), inputs, uint32_t(n.output), window,
                            n.in_channels, n.out_channels, static_cast<schema::Activation>(n.epilogue.activation),
                            n.epilogue.clip_min, n.epilogue.clip_max, n.count_include_pad, weights, bias);
}

fb::Offset<schema::Metadata> writeMetadata(fb::FlatBufferBuilder& b, const ModelMetadata& m) {
  std::vector<fb::Offset<fb::String>> names;
  for (const std::string& name : m.keypoint_names) names.push_back(b.CreateString(name));
  std::vector<schema::Edge> edges;
  for (const SkeletonEdge& e : m.skeleton) edges.emplace_back(uint8_t(e.a), uint8_t(e.b));
  return schema::CreateMetadata(b, b.CreateString(m.architecture), b.CreateString(m.source),
                                static_cast<schema::Preprocessing>(m.preprocessing), b.CreateVector(m.mean),
                                m.output_stride, b.CreateVector(names), b.CreateVectorOfStructs(edges));
}

// Multiples of 1/64 below 1/2: exact in fp16, distinct per node and position.
std::vector<float> testValues(size_t count, size_t seed, int modulus, float scale) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = float(int((i * 7 + seed * 3) % size_t(modulus)) - modulus / 2) * scale;
  return values;
}

int addNode(Model& model, ModelNode node) {
  model.tensors.push_back({node.name, node.out_channels});
  node.output = int(model.tensors.size()) - 1;
  model.nodes.push_back(std::move(node));
  return model.nodes.back().output;
}

int channelsOf(const Model& model, int tensor) { return model.tensors.at(size_t(tensor)).channels; }

}  // namespace

std::vector<uint8_t> serializeModel(const Model& model, const SerializeOptions& options) {
  fb::FlatBufferBuilder b;
  std::vector<fb::Offset<schema::TensorInfo>> tensors;
  for (const ModelTensor& t : model.tensors)
    tensors.push_back(schema::CreateTensorInfoDirect(b, t.name.c_str(), t.channels));
  std::vector<fb::Offset<schema::Node>> nodes;
  for (const ModelNode& n : model.nodes) nodes.push_back(writeNode(b, n, options));
  std::vector<fb::Offset<schema::Output>> outputs;
  for (const ModelOutput& o : model.outputs)
    outputs.push_back(schema::CreateOutput(b, static_cast<schema::OutputRole>(o.role), uint32_t(o.tensor)));
  auto metadata = writeMetadata(b, model.metadata);
  schema::FinishModelBuffer(b, schema::CreateModelDirect(b, options.version, &tensors, uint32_t(model.input), &nodes,
                                                         &outputs, metadata));
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

Model emptyModel() {
  Model model;
  model.tensors.push_back({"image", 3});
  model.metadata.architecture = "toy";
  model.metadata.source = "tests/support/model_builder";
  return model;
}

WindowSpec sameWindow(int kernel, int stride, PaddingMode mode) {
  WindowSpec w;
  w.kernel_h = w.kernel_w = kernel;
  w.stride_h = w.stride_w = stride;
  w.padding = mode;
  return w;
}

int addConv(Model& model, const std::string& name, int input, int out_channels, const WindowSpec& window,
            Epilogue epilogue) {
  ModelNode n{.name = name, .kind = NodeKind::Conv2d, .inputs = {input}, .window = window,
              .in_channels = channelsOf(model, input), .out_channels = out_channels, .epilogue = epilogue};
  size_t taps = size_t(window.kernel_h) * size_t(window.kernel_w);
  n.weights.values = testValues(size_t(out_channels) * size_t(n.in_channels) * taps, model.nodes.size(), 61, 1 / 64.f);
  n.bias.values = testValues(size_t(out_channels), model.nodes.size(), 13, 1 / 32.f);
  return addNode(model, std::move(n));
}

int addDepthwise(Model& model, const std::string& name, int input, const WindowSpec& window, Epilogue epilogue) {
  int channels = channelsOf(model, input);
  ModelNode n{.name = name, .kind = NodeKind::DepthwiseConv2d, .inputs = {input}, .window = window,
              .in_channels = channels, .out_channels = channels, .epilogue = epilogue};
  size_t taps = size_t(window.kernel_h) * size_t(window.kernel_w);
  n.weights.values = testValues(size_t(channels) * taps, model.nodes.size(), 61, 1 / 64.f);
  n.bias.values = testValues(size_t(channels), model.nodes.size(), 13, 1 / 32.f);
  return addNode(model, std::move(n));
}

int addPool(Model& model, NodeKind kind, const std::string& name, int input, const WindowSpec& window) {
  int channels = channelsOf(model, input);
  return addNode(model, {.name = name, .kind = kind, .inputs = {input}, .window = window, .in_channels = channels,
                         .out_channels = channels});
}

int addAdd(Model& model, const std::string& name, int a, int b, Epilogue epilogue) {
  int channels = channelsOf(model, a);
  return addNode(model, {.name = name, .kind = NodeKind::Add, .inputs = {a, b}, .in_channels = channels,
                         .out_channels = channels, .epilogue = epilogue});
}

void packForKernels(ModelNode& n) {
  const WindowSpec& w = n.window;
  if (n.kind == NodeKind::Conv2d) {
    n.weights.values = packDenseC4(n.weights.values, n.out_channels, n.in_channels, w.kernel_h, w.kernel_w);
    n.weights.layout = n.bias.layout = WeightLayout::DenseC4;
  } else {
    n.weights.values = packDepthwiseC4(n.weights.values, n.out_channels, w.kernel_h, w.kernel_w);
    n.weights.layout = n.bias.layout = WeightLayout::DepthwiseC4;
  }
  if (!n.bias.values.empty()) n.bias.values = packBiasC4(n.bias.values, n.out_channels);
}

void storeAsFp16(Model& model) {
  for (ModelNode& n : model.nodes)
    for (WeightData* data : {&n.weights, &n.bias}) data->stored_fp16 = !data->values.empty();
}

Model toyPoseNet() {
  Model m = emptyModel();
  m.metadata.architecture = "toy PoseNet";
  const Epilogue relu{Activation::Relu}, relu6{Activation::Clip, 0.f, 6.f};
  int x = addConv(m, "conv0", m.input, 8, sameWindow(3, 2), relu6);
  x = addDepthwise(m, "dw1", x, sameWindow(3, 2), relu);
  packForKernels(m.nodes.back());
  x = addConv(m, "pw1", x, 16, {}, relu6);
  packForKernels(m.nodes.back());
  x = addDepthwise(m, "dw2", x, sameWindow(3, 2), relu6);
  x = addConv(m, "pw2", x, 16, {}, relu);
  x = addDepthwise(m, "dw3", x, sameWindow(3, 2), relu6);
  x = addConv(m, "pw3", x, 24, {}, relu6);
  m.outputs = {{OutputRole::Heatmap, addConv(m, "heatmap", x, kKeypointCount, {})},
               {OutputRole::Offsets, addConv(m, "offsets", x, 2 * kKeypointCount, {})},
               {OutputRole::DisplacementFwd, addConv(m, "displacement_fwd", x, 32, {})},
               {OutputRole::DisplacementBwd, addConv(m, "displacement_bwd", x, 32, {})}};
  for (std::string_view name : kKeypointNames) m.metadata.keypoint_names.emplace_back(name);
  for (auto [a, b] : kSkeletonEdges) m.metadata.skeleton.push_back({a, b});
  return m;
}

}  // namespace vkpose::test
