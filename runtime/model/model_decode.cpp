#include "runtime/model/model_decode.h"

#include <bit>
#include <climits>
#include <cstring>

#include "runtime/model/half.h"

namespace vkpose {

// Weight data is little-endian in the file and copied as is.
static_assert(std::endian::native == std::endian::little, "weight decoding assumes a little-endian host");

// decodeNode and friends cast schema enums to the runtime's: same values, same order.
static_assert(int(NodeKind::Add) == int(schema::OpKind::Add) && int(schema::OpKind::MAX) == int(NodeKind::Add));
static_assert(int(PaddingMode::Valid) == int(schema::PaddingMode::Valid) &&
              int(schema::PaddingMode::MAX) == int(PaddingMode::Valid));
static_assert(int(WeightLayout::DepthwiseC4) == int(schema::WeightLayout::DepthwiseC4) &&
              int(schema::WeightLayout::MAX) == int(WeightLayout::DepthwiseC4));
static_assert(int(Activation::Sigmoid) == int(schema::Activation::Sigmoid) &&
              int(schema::Activation::MAX) == int(Activation::Sigmoid));
static_assert(int(Preprocessing::ResNet) == int(schema::Preprocessing::ResNet) &&
              int(schema::Preprocessing::MAX) == int(Preprocessing::ResNet));
static_assert(int(OutputRole::DisplacementBwd) == int(schema::OutputRole::DisplacementBwd) &&
              int(schema::OutputRole::MAX) == int(OutputRole::DisplacementBwd));

namespace {

// Indices past INT_MAX cannot be valid; keep them large so the range check
// in validateModel still reports them as out of range.
int toIndex(uint32_t index) { return index > uint32_t(INT_MAX) ? INT_MAX : int(index); }

// The Verifier checks where fields lie, not whether an enum value exists.
template <typename SchemaEnum>
void checkKnown(SchemaEnum value, SchemaEnum max, const std::string& where, const std::string& field) {
  if (value > max) throw ModelError(where + ": unknown " + field + " " + std::to_string(unsigned(value)));
}

template <typename Enum, typename SchemaEnum>
Enum toEnum(SchemaEnum value, SchemaEnum max, const std::string& where, const std::string& field) {
  checkKnown(value, max, where, field);
  return static_cast<Enum>(value);
}

std::string str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

std::vector<float> decodeValues(const schema::Weights& w, size_t count) {
  const uint8_t* data = w.data() ? w.data()->data() : nullptr;
  std::vector<float> values(count);
  if (w.dtype() == schema::DataType::Float32) {
    if (count) std::memcpy(values.data(), data, count * sizeof(float));
    return values;
  }
  for (size_t i = 0; i < count; ++i) {
    uint16_t half;
    std::memcpy(&half, data + i * 2, 2);
    values[i] = halfToFloat(half);
  }
  return values;
}

WeightData decodeWeights(const schema::Weights* w, const std::string& where, const char* what) {
  if (!w) return {};
  WeightData out;
  out.layout = toEnum<WeightLayout>(w->layout(), schema::WeightLayout::MAX, where, std::string(what) + " layout");
  checkKnown(w->dtype(), schema::DataType::MAX, where, std::string(what) + " data type");
  out.stored_fp16 = w->dtype() == schema::DataType::Float16;
  size_t scalar_bytes = out.stored_fp16 ? 2 : 4;
  size_t stored_bytes = w->data() ? w->data()->size() : 0;
  if (uint64_t(w->count()) * scalar_bytes != stored_bytes)
    throw ModelError(where + ": " + what + " hold " + std::to_string(stored_bytes) + " bytes, but " +
                     std::to_string(w->count()) + (out.stored_fp16 ? " fp16" : " fp32") + " values need " +
                     std::to_string(uint64_t(w->count()) * scalar_bytes));
  out.values = decodeValues(*w, w->count());
  return out;
}

WindowSpec decodeWindow(const schema::Window* w, const std::string& where) {
  WindowSpec spec;
  if (!w) return spec;  // absent: the schema defaults, a 1x1 window
  spec.kernel_h = w->kernel_h();
  spec.kernel_w = w->kernel_w();
  spec.stride_h = w->stride_h();
  spec.stride_w = w->stride_w();
  spec.dilation_h = w->dilation_h();
  spec.dilation_w = w->dilation_w();
  spec.padding = toEnum<PaddingMode>(w->padding(), schema::PaddingMode::MAX, where, "padding mode");
  if (spec.padding == PaddingMode::Explicit)
    spec.pad = {w->pad_top(), w->pad_left(), w->pad_bottom(), w->pad_right()};
  return spec;
}

ModelNode decodeNode(const schema::Node& n, size_t index, const std::string& source) {
  ModelNode node;
  node.name = str(n.name());
  std::string where = source + ": node " + std::to_string(index) + " '" + escapeText(node.name) + "'";
  node.kind = toEnum<NodeKind>(n.kind(), schema::OpKind::MAX, where, "op kind");
  where += std::string(" (") + nodeKindName(node.kind) + ")";
  if (n.inputs())
    for (uint32_t t : *n.inputs()) node.inputs.push_back(toIndex(t));
  node.output = toIndex(n.output());
  node.window = decodeWindow(n.window(), where);
  node.in_channels = n.in_channels();
  node.out_channels = n.out_channels();
  node.epilogue.activation = toEnum<Activation>(n.activation(), schema::Activation::MAX, where, "activation");
  node.epilogue.clip_min = n.clip_min();
  node.epilogue.clip_max = n.clip_max();
  node.count_include_pad = n.count_include_pad();
  node.weights = decodeWeights(n.weights(), where, "weights");
  node.bias = decodeWeights(n.bias(), where, "bias");
  return node;
}

ModelMetadata decodeMetadata(const schema::Metadata* m, const std::string& source) {
  if (!m) throw ModelError(source + " is corrupt: it has no metadata");
  ModelMetadata meta;
  meta.architecture = str(m->architecture());
  meta.source = str(m->source());
  meta.preprocessing =
      toEnum<Preprocessing>(m->preprocessing(), schema::Preprocessing::MAX, source + ": metadata", "preprocessing");
  if (m->mean()) meta.mean.assign(m->mean()->begin(), m->mean()->end());
  meta.output_stride = m->output_stride();
  if (m->keypoint_names())
    for (const flatbuffers::String* name : *m->keypoint_names()) meta.keypoint_names.push_back(str(name));
  if (m->skeleton())
    for (const schema::Edge* edge : *m->skeleton()) meta.skeleton.push_back({edge->a(), edge->b()});
  return meta;
}

}  // namespace

Model decodeModel(const schema::Model& root, const std::string& source) {
  Model model;
  if (root.tensors())
    for (const schema::TensorInfo* t : *root.tensors()) model.tensors.push_back({str(t->name()), t->channels()});
  model.input = toIndex(root.input());
  if (root.nodes())
    for (flatbuffers::uoffset_t i = 0; i < root.nodes()->size(); ++i)
      model.nodes.push_back(decodeNode(*root.nodes()->Get(i), i, source));
  if (root.outputs())
    for (flatbuffers::uoffset_t i = 0; i < root.outputs()->size(); ++i) {
      const schema::Output* o = root.outputs()->Get(i);
      std::string where = source + ": output " + std::to_string(i);
      model.outputs.push_back({toEnum<OutputRole>(o->role(), schema::OutputRole::MAX, where, "role"),
                               toIndex(o->tensor())});
    }
  model.metadata = decodeMetadata(root.metadata(), source);
  return model;
}

}  // namespace vkpose
