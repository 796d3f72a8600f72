#include "converter/vkpose_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "runtime/keypoints.h"
#include "runtime/model/half.h"
#include "schema/vkpose_generated.h"

namespace vkpose::convert {

namespace fb = vkpose::schema;

namespace {

// Version of runtime/schema/vkpose.fbs this writer produces.
constexpr uint32_t kWrittenSchemaVersion = 1;

fb::OpKind opKindOf(const Node& n) {
  switch (n.kind) {
    case OpKind::Conv2d: return fb::OpKind::Conv2d;
    case OpKind::DepthwiseConv2d: return fb::OpKind::DepthwiseConv2d;
    case OpKind::MaxPool: return fb::OpKind::MaxPool;
    case OpKind::AveragePool: return fb::OpKind::AveragePool;
    case OpKind::Add: return fb::OpKind::Add;
    default:
      throw ConvertError(std::string("node '") + n.name + "' (" + opKindName(n.kind) +
                         ") has no runtime kernel; the passes should have folded or fused it");
  }
}

fb::Activation activationOf(Activation a) {
  switch (a) {
    case Activation::None: return fb::Activation::None;
    case Activation::Relu: return fb::Activation::Relu;
    case Activation::Clip: return fb::Activation::Clip;
    case Activation::Sigmoid: return fb::Activation::Sigmoid;
  }
  return fb::Activation::None;
}

fb::PaddingMode paddingOf(PaddingMode p) {
  switch (p) {
    case PaddingMode::Explicit: return fb::PaddingMode::Explicit;
    case PaddingMode::SameUpper: return fb::PaddingMode::SameUpper;
    case PaddingMode::SameLower: return fb::PaddingMode::SameLower;
    case PaddingMode::Valid: return fb::PaddingMode::Valid;
  }
  return fb::PaddingMode::Explicit;
}

fb::WeightLayout layoutOf(WeightLayout l) {
  switch (l) {
    case WeightLayout::OIHW: return fb::WeightLayout::OIHW;
    case WeightLayout::DenseC4: return fb::WeightLayout::DenseC4;
    case WeightLayout::DepthwiseC4: return fb::WeightLayout::DepthwiseC4;
  }
  return fb::WeightLayout::OIHW;
}

fb::OutputRole roleOf(OutputRole r) {
  switch (r) {
    case OutputRole::Heatmap: return fb::OutputRole::Heatmap;
    case OutputRole::Offsets: return fb::OutputRole::Offsets;
    case OutputRole::DisplacementFwd: return fb::OutputRole::DisplacementFwd;
    case OutputRole::DisplacementBwd: return fb::OutputRole::DisplacementBwd;
  }
  return fb::OutputRole::Heatmap;
}

// Little-endian scalars of the node's storage type (x86 and ARM hosts are
// little-endian, so a memcpy is the encoding).
std::vector<uint8_t> encode(const std::vector<float>& values, WeightType type) {
  std::vector<uint8_t> bytes;
  if (type == WeightType::Float32) {
    bytes.resize(values.size() * 4);
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
  }
  bytes.resize(values.size() * 2);
  for (size_t i = 0; i < values.size(); ++i) {
    uint16_t h = floatToHalf(values[i]);
    std::memcpy(bytes.data() + 2 * i, &h, 2);
  }
  return bytes;
}

flatbuffers::Offset<fb::Weights> weightsOf(flatbuffers::FlatBufferBuilder& b, const std::vector<float>& values,
                                           const Node& n) {
  if (values.empty()) return 0;
  std::vector<uint8_t> bytes = encode(values, n.weight_type);
  fb::DataType dtype = n.weight_type == WeightType::Float16 ? fb::DataType::Float16 : fb::DataType::Float32;
  return fb::CreateWeightsDirect(b, dtype, layoutOf(n.layout), uint32_t(values.size()), &bytes);
}

flatbuffers::Offset<fb::Window> windowOf(flatbuffers::FlatBufferBuilder& b, const Window& w) {
  return fb::CreateWindow(b, w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w,
                          paddingOf(w.padding), w.pad_top, w.pad_left, w.pad_bottom, w.pad_right);
}

// Only tensors that are the input or some node's output are written, so
// tensors orphaned by passes do not reach the file.
std::map<int, uint32_t> compactTensors(const Graph& g) {
  std::map<int, uint32_t> index;
  index[g.input] = 0;
  for (const Node& n : g.nodes) index.emplace(n.output, uint32_t(index.size()));
  return index;
}

uint32_t mapped(const std::map<int, uint32_t>& index, int tensor, const std::string& what) {
  auto it = index.find(tensor);
  if (it == index.end()) throw ConvertError(what + " refers to a tensor no node produces");
  return it->second;
}

flatbuffers::Offset<fb::Node> nodeOf(flatbuffers::FlatBufferBuilder& b, const Graph& g, const Node& n,
                                     const std::map<int, uint32_t>& index) {
  std::vector<uint32_t> inputs;
  for (int t : n.inputs) inputs.push_back(mapped(index, t, "node '" + n.name + "'"));
  bool windowed = n.kind != OpKind::Add;
  return fb::CreateNodeDirect(b, n.name.c_str(), opKindOf(n), &inputs, mapped(index, n.output, n.name),
                              windowed ? windowOf(b, n.window) : 0, g.tensors[size_t(n.inputs[0])].channels,
                              g.tensors[size_t(n.output)].channels,
                              activationOf(n.activation), n.clip_min, n.clip_max, n.count_include_pad,
                              weightsOf(b, n.weights, n), weightsOf(b, n.bias, n));
}

flatbuffers::Offset<fb::Metadata> metadataOf(flatbuffers::FlatBufferBuilder& b, const Metadata& m) {
  std::vector<flatbuffers::Offset<flatbuffers::String>> names;
  for (std::string_view name : kKeypointNames) names.push_back(b.CreateString(name.data(), name.size()));
  std::vector<fb::Edge> edges;
  for (auto [a, c] : kSkeletonEdges) edges.emplace_back(a, c);
  fb::Preprocessing pre = m.preprocessing == Preprocessing::ResNet ? fb::Preprocessing::ResNet : fb::Preprocessing::MobileNet;
  return fb::CreateMetadataDirect(b, m.architecture.c_str(), m.source.c_str(), pre, m.mean.empty() ? nullptr : &m.mean,
                                  m.output_stride, &names, &edges);
}

}  // namespace

std::vector<uint8_t> writeVkpose(const Graph& graph) {
  validateGraph(graph);
  std::map<int, uint32_t> index = compactTensors(graph);
  flatbuffers::FlatBufferBuilder b(1 << 20);
  std::vector<flatbuffers::Offset<fb::TensorInfo>> tensors(index.size());
  for (auto [old_index, new_index] : index)
    tensors[new_index] = fb::CreateTensorInfoDirect(b, graph.tensors[size_t(old_index)].name.c_str(),
                                                    graph.tensors[size_t(old_index)].channels);
  std::vector<flatbuffers::Offset<fb::Node>> nodes;
  for (const Node& n : graph.nodes) nodes.push_back(nodeOf(b, graph, n, index));
  std::vector<flatbuffers::Offset<fb::Output>> outputs;
  for (const Output& o : graph.outputs)
    outputs.push_back(fb::CreateOutput(b, roleOf(o.role), mapped(index, o.tensor, outputRoleName(o.role))));
  auto model = fb::CreateModelDirect(b, kWrittenSchemaVersion, &tensors, 0, &nodes, &outputs,
                                     metadataOf(b, graph.metadata));
  fb::FinishModelBuffer(b, model);
  return {b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()};
}

void writeFileAtomically(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw ConvertError("cannot create " + tmp + ": " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      throw ConvertError("cannot write " + tmp + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw ConvertError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  }
}

}  // namespace vkpose::convert
