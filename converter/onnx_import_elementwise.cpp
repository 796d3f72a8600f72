// Activations, Add, Identity and Constant.
#include <cmath>
#include <limits>
#include <string>

#include "converter/onnx_import_ops.h"
#include "converter/onnx_tensors.h"

namespace vkpose::convert::onnximport {

namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// A node of `kind` that keeps its first input's channel count; callers check
// the input count (Clip may have bound inputs).
Node unaryNode(ImportState& state, const NodeSite& site, OpKind kind) {
  Node node;
  node.kind = kind;
  node.inputs = {state.activation(site, site.proto->input(0))};
  node.in_channels = node.out_channels = state.graph.tensors[size_t(node.inputs[0])].channels;
  return node;
}

void emitUnary(ImportState& state, const NodeSite& site, Node node) {
  int channels = node.out_channels;
  state.emit(site, std::move(node), channels);
}

// Clip's bound from optional input `index` (opset 11+): a constant scalar,
// or `fallback` when the input is absent.
float clipBound(const ImportState& state, const NodeSite& site, int index, const char* what, float fallback) {
  std::string name = ImportState::optionalInput(site, index);
  if (name.empty()) return fallback;
  return scalarValue(state.constant(site, name, what), site.describe());
}

onnx::TensorProto constantValue(const NodeSite& site) {
  onnx::TensorProto value;
  for (const auto& attribute : site.proto->attribute()) {
    const std::string& name = attribute.name();
    if (name == "value" && attribute.type() == onnx::AttributeProto::TENSOR) return attribute.t();
    if (name == "value_float" || name == "value_floats") value.set_data_type(onnx::TensorProto::FLOAT);
    if (name == "value_int" || name == "value_ints") value.set_data_type(onnx::TensorProto::INT64);
    if (name == "value_float") value.add_float_data(attribute.f());
    if (name == "value_int") value.add_int64_data(attribute.i());
    if (name == "value_floats") {
      value.add_dims(attribute.floats_size());
      value.mutable_float_data()->CopyFrom(attribute.floats());
    }
    if (name == "value_ints") {
      value.add_dims(attribute.ints_size());
      value.mutable_int64_data()->CopyFrom(attribute.ints());
    }
    if (value.data_type() != onnx::TensorProto::UNDEFINED) return value;
  }
  site.fail("has no value, value_float(s) or value_int(s) attribute; other Constant forms are not supported");
}

}  // namespace

void importRelu(ImportState& state, const NodeSite& site) {
  site.requireInputs(1, 1);
  emitUnary(state, site, unaryNode(state, site, OpKind::Relu));
}

void importSigmoid(ImportState& state, const NodeSite& site) {
  site.requireInputs(1, 1);
  emitUnary(state, site, unaryNode(state, site, OpKind::Sigmoid));
}

void importClip(ImportState& state, const NodeSite& site) {
  // Before opset 11 the bounds are attributes; from 11 on, optional inputs.
  bool attribute_form = state.opset < 11;
  site.requireInputs(1, attribute_form ? 1 : 3);
  Node node = unaryNode(state, site, OpKind::Clip);
  node.clip_min =
      attribute_form ? floatAttribute(site, "min", -kInfinity) : clipBound(state, site, 1, "min", -kInfinity);
  node.clip_max = attribute_form ? floatAttribute(site, "max", kInfinity) : clipBound(state, site, 2, "max", kInfinity);
  if (std::isnan(node.clip_min) || std::isnan(node.clip_max) || node.clip_min > node.clip_max)
    site.fail("bounds min " + std::to_string(node.clip_min) + ", max " + std::to_string(node.clip_max) +
              " are not an ordered range");
  emitUnary(state, site, std::move(node));
}

void importAdd(ImportState& state, const NodeSite& site) {
  site.requireInputs(2, 2);
  Node node;
  node.kind = OpKind::Add;
  for (const std::string& name : site.proto->input()) {
    if (state.isConstant(name))
      site.fail("adds the constant '" + name + "'; only the sum of two activations of the same shape is supported");
    node.inputs.push_back(state.activation(site, name));
  }
  int channels_a = state.graph.tensors[size_t(node.inputs[0])].channels;
  int channels_b = state.graph.tensors[size_t(node.inputs[1])].channels;
  if (channels_a != channels_b)
    site.fail("adds " + std::to_string(channels_a) + " channels to " + std::to_string(channels_b) +
              "; broadcasting is not supported, both inputs must have the same shape");
  node.in_channels = node.out_channels = channels_a;
  emitUnary(state, site, std::move(node));
}

void importIdentity(ImportState& state, const NodeSite& site) {
  site.requireInputs(1, 1);
  // Exporters route weights through Identity; those stay constants.
  if (state.isConstant(site.proto->input(0))) {
    if (site.proto->output_size() != 1) site.fail("must have exactly one output");
    state.aliasConstant(site, site.proto->output(0), site.proto->input(0));
    return;
  }
  emitUnary(state, site, unaryNode(state, site, OpKind::Identity));
}

void importConstant(ImportState& state, const NodeSite& site) {
  site.requireInputs(0, 0);
  state.defineConstant(site, constantValue(site));
}

}  // namespace vkpose::convert::onnximport
