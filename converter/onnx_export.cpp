#include "converter/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <cmath>

#include "converter/onnx_export_builder.h"
#include "converter/onnx_metadata.h"

namespace vkpose::convert {

namespace {

using onnxexport::GraphBuilder;
using onnxexport::NameTable;

constexpr int64_t kIrVersion = 8;
constexpr int64_t kOpsetVersion = 13;

bool hasWeights(const Node& node) { return node.kind == OpKind::Conv2d || node.kind == OpKind::DepthwiseConv2d; }

void requireExportable(const Node& node) {
  std::string where = "ONNX export: node '" + node.name + "' (" + opKindName(node.kind) + ")";
  if (hasWeights(node) && node.layout != WeightLayout::OIHW)
    throw ConvertError(where +
                       " has weights re-laid out for the kernels; ONNX needs OIHW, so export before the "
                       "relayout_weights pass");
  if (hasWeights(node) && node.weight_type != WeightType::Float32)
    throw ConvertError(where +
                       " has weights marked for fp16; ONNX export writes float32 weights only, so export "
                       "without --fp16");
  bool is_pool = node.kind == OpKind::MaxPool || node.kind == OpKind::AveragePool;
  if (is_pool && (node.window.dilation_h != 1 || node.window.dilation_w != 1))
    throw ConvertError(where + " is a dilated pool, which opset 13 cannot express");
}

class Exporter {
 public:
  Exporter(const Graph& graph, onnx::GraphProto& out) : graph_(graph), out_(out), builder_(out, names_) {}

  void run() {
    requireDistinctRoles();
    nameTensors();
    GraphBuilder::describeImage(*out_.add_input(), value_names_[size_t(graph_.input)], 3, "height", "width");
    for (const Node& node : graph_.nodes) exportNode(node);
    exportOutputs();
  }

 private:
  void requireDistinctRoles() const {
    for (size_t i = 0; i < graph_.outputs.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (graph_.outputs[i].role == graph_.outputs[j].role)
          throw ConvertError(std::string("ONNX export: output role ") + outputRoleName(graph_.outputs[i].role) +
                             " appears twice");
  }

  // The image is "image"; a tensor that is exactly one output is named by its
  // role, so outputs need no renaming Identity in the usual case.
  void nameTensors() {
    value_names_.assign(graph_.tensors.size(), "");
    value_names_[size_t(graph_.input)] = names_.take("image");
    for (const Output& output : graph_.outputs) names_.take(outputRoleName(output.role));
    for (const Output& output : graph_.outputs)
      if (output.tensor != graph_.input && roleCount(output.tensor) == 1)
        value_names_[size_t(output.tensor)] = outputRoleName(output.role);
    for (size_t t = 0; t < graph_.tensors.size(); ++t)
      if (value_names_[t].empty()) value_names_[t] = names_.take(graph_.tensors[t].name);
  }

  size_t roleCount(int tensor) const {
    size_t count = 0;
    for (const Output& output : graph_.outputs) count += output.tensor == tensor ? 1 : 0;
    return count;
  }

  const std::string& valueName(int tensor) const { return value_names_[size_t(tensor)]; }

  void exportNode(const Node& node) {
    requireExportable(node);
    const std::string& result = valueName(node.output);
    std::string op_output = node.activation == Activation::None ? result : names_.take(result + "/pre_activation");
    const std::string& input = valueName(node.inputs[0]);
    switch (node.kind) {
      case OpKind::Conv2d:
      case OpKind::DepthwiseConv2d: exportConv(node, input, op_output); break;
      case OpKind::BatchNorm: exportBatchNorm(node, input, op_output); break;
      case OpKind::Relu: addActivation(Activation::Relu, node, input, op_output); break;
      case OpKind::Clip: addActivation(Activation::Clip, node, input, op_output); break;
      case OpKind::Sigmoid: addActivation(Activation::Sigmoid, node, input, op_output); break;
      case OpKind::Add: builder_.addNode("Add", node.name, {input, valueName(node.inputs[1])}, op_output); break;
      case OpKind::MaxPool: exportPool("MaxPool", node, input, op_output); break;
      case OpKind::AveragePool: exportPool("AveragePool", node, input, op_output); break;
      case OpKind::Identity: builder_.addNode("Identity", node.name, {input}, op_output); break;
    }
    if (node.activation != Activation::None) addActivation(node.activation, node, op_output, result);
  }

  void exportConv(const Node& node, const std::string& input, const std::string& output) {
    bool depthwise = node.kind == OpKind::DepthwiseConv2d;
    std::vector<int64_t> dims = {node.out_channels, depthwise ? 1 : node.in_channels, node.window.kernel_h,
                                 node.window.kernel_w};
    std::vector<std::string> inputs = {input, builder_.addInitializer(node.name + "/weights", dims, node.weights)};
    if (!node.bias.empty())
      inputs.push_back(builder_.addInitializer(node.name + "/bias", {node.out_channels}, node.bias));
    auto& conv = builder_.addNode("Conv", node.name, std::move(inputs), output);
    GraphBuilder::addWindowAttributes(conv, node.window, true);
    GraphBuilder::addInt(conv, "group", depthwise ? node.in_channels : 1);
  }

  void exportBatchNorm(const Node& node, const std::string& input, const std::string& output) {
    const BatchNormParams& params = node.batch_norm;
    int channels = graph_.tensors[size_t(node.output)].channels;
    for (const auto* values : {&params.scale, &params.shift, &params.mean, &params.variance})
      if (values->size() != size_t(channels))
        throw ConvertError("ONNX export: node '" + node.name + "' (BatchNorm) has " + std::to_string(values->size()) +
                           " values for a parameter of " + std::to_string(channels) + " channels");
    std::vector<int64_t> dims = {channels};
    std::vector<std::string> inputs = {input, builder_.addInitializer(node.name + "/scale", dims, params.scale),
                                       builder_.addInitializer(node.name + "/shift", dims, params.shift),
                                       builder_.addInitializer(node.name + "/mean", dims, params.mean),
                                       builder_.addInitializer(node.name + "/variance", dims, params.variance)};
    auto& batch_norm = builder_.addNode("BatchNormalization", node.name, std::move(inputs), output);
    GraphBuilder::addFloat(batch_norm, "epsilon", params.epsilon);
  }

  void exportPool(const char* op_type, const Node& node, const std::string& input, const std::string& output) {
    auto& pool = builder_.addNode(op_type, node.name, {input}, output);
    // Opset 13's AveragePool has no dilations; MaxPool's are 1 here anyway.
    GraphBuilder::addWindowAttributes(pool, node.window, false);
    if (node.kind == OpKind::AveragePool) GraphBuilder::addInt(pool, "count_include_pad", node.count_include_pad);
  }

  // A standalone activation node, or the epilogue fused into `node`. Clip
  // uses opset 13's input form; an infinite bound is left out.
  void addActivation(Activation activation, const Node& node, const std::string& input, const std::string& output) {
    bool epilogue = node.activation != Activation::None;
    if (activation == Activation::Relu)
      builder_.addNode("Relu", node.name + (epilogue ? "/relu" : ""), {input}, output);
    if (activation == Activation::Sigmoid)
      builder_.addNode("Sigmoid", node.name + (epilogue ? "/sigmoid" : ""), {input}, output);
    if (activation != Activation::Clip) return;
    std::vector<std::string> inputs = {input, "", ""};
    if (!std::isinf(node.clip_min)) inputs[1] = builder_.addInitializer(node.name + "/clip_min", {}, {node.clip_min});
    if (!std::isinf(node.clip_max)) inputs[2] = builder_.addInitializer(node.name + "/clip_max", {}, {node.clip_max});
    while (inputs.back().empty()) inputs.pop_back();
    builder_.addNode("Clip", node.name + (epilogue ? "/clip" : ""), std::move(inputs), output);
  }

  void exportOutputs() {
    for (const Output& output : graph_.outputs) {
      std::string role = outputRoleName(output.role);
      if (valueName(output.tensor) != role) builder_.addNode("Identity", role, {valueName(output.tensor)}, role);
      GraphBuilder::describeImage(*out_.add_output(), role, graph_.tensors[size_t(output.tensor)].channels, "out_h",
                                  "out_w");
    }
  }

  const Graph& graph_;
  onnx::GraphProto& out_;
  NameTable names_;
  GraphBuilder builder_;
  std::vector<std::string> value_names_;  // per IR tensor
};

}  // namespace

std::vector<uint8_t> exportOnnx(const Graph& graph) {
  validateGraph(graph);
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("vkpose-convert");
  auto& opset = *model.add_opset_import();
  opset.set_domain("");
  opset.set_version(kOpsetVersion);
  onnx::GraphProto& out = *model.mutable_graph();
  out.set_name("vkpose");
  Exporter(graph, out).run();
  writeOnnxMetadata(graph.metadata, model);
  std::string bytes = model.SerializeAsString();
  return {bytes.begin(), bytes.end()};
}

}  // namespace vkpose::convert
