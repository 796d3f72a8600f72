#include "converter/tfjs_import.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "converter/tfjs_attrs.h"
#include "converter/tfjs_nodes.h"
#include "converter/tfjs_outputs.h"
#include "converter/tfjs_weights.h"

namespace vkpose::convert {
namespace {

using nlohmann::json;

// HWIO -> OIHW. Depthwise [H][W][C][1] is the same walk with I = C, O = 1:
// it lands in [1][C][H][W], which is the IR's [C][1][H][W] in memory.
std::vector<float> hwioToOihw(const std::vector<float>& hwio, size_t h, size_t w, size_t in, size_t out) {
  std::vector<float> oihw(hwio.size());
  for (size_t y = 0; y < h; ++y)
    for (size_t x = 0; x < w; ++x)
      for (size_t i = 0; i < in; ++i)
        for (size_t o = 0; o < out; ++o) oihw[((o * in + i) * h + y) * w + x] = hwio[((y * w + x) * in + i) * out + o];
  return oihw;
}

class TfjsImporter {
 public:
  TfjsImporter(const TfjsWeights& weights, const std::vector<TfjsNode>& nodes, Log& log);
  TfjsGraph run();

 private:
  void importNode(const TfjsNode& node);
  void importPlaceholder(const TfjsNode& node);
  void importConst(const TfjsNode& node);
  void importConv(const TfjsNode& node, bool depthwise, bool fused);
  void importBiasAdd(const TfjsNode& node);
  void importIdentity(const TfjsNode& node);
  void importUnary(const TfjsNode& node, OpKind kind);
  void importAdd(const TfjsNode& node);
  void importPool(const TfjsNode& node, OpKind kind);

  void requireInputs(const TfjsNode& node, size_t count) const;
  int activationInput(const TfjsNode& node, size_t index) const;
  const TfjsWeight& weightInput(const TfjsNode& node, size_t index) const;
  std::vector<float> biasInput(const TfjsNode& node, size_t index, int channels) const;
  void addNode(Node node, const TfjsNode& source, int channels);

  const TfjsWeights& weights_;
  const std::vector<TfjsNode>& nodes_;
  Log& log_;
  TfjsGraph result_;
  std::map<std::string, std::string> weight_of_;  // Const (or an Identity of one) -> manifest weight
};

TfjsImporter::TfjsImporter(const TfjsWeights& weights, const std::vector<TfjsNode>& nodes, Log& log)
    : weights_(weights), nodes_(nodes), log_(log) {
  for (const TfjsNode& node : nodes)
    for (const std::string& input : node.inputs) ++result_.readers[input];
}

TfjsGraph TfjsImporter::run() {
  for (const TfjsNode& node : nodes_) importNode(node);
  if (result_.graph.input < 0) throw ConvertError("the graph has no Placeholder input");
  return std::move(result_);
}

void TfjsImporter::importNode(const TfjsNode& node) {
  const std::string& op = node.op;
  if (op == "Placeholder") return importPlaceholder(node);
  if (op == "Const") return importConst(node);
  if (op == "Conv2D" || op == "_FusedConv2D") return importConv(node, false, op == "_FusedConv2D");
  if (op == "DepthwiseConv2dNative" || op == "FusedDepthwiseConv2dNative")
    return importConv(node, true, op == "FusedDepthwiseConv2dNative");
  if (op == "BiasAdd") return importBiasAdd(node);
  if (op == "Identity") return importIdentity(node);
  if (op == "Relu") return importUnary(node, OpKind::Relu);
  if (op == "Relu6") return importUnary(node, OpKind::Clip);  // the IR's Clip defaults to 0..6
  if (op == "Sigmoid") return importUnary(node, OpKind::Sigmoid);
  if (op == "Add" || op == "AddV2") return importAdd(node);
  if (op == "MaxPool") return importPool(node, OpKind::MaxPool);
  if (op == "AvgPool") return importPool(node, OpKind::AveragePool);
  throw ConvertError("unsupported op " + op + " at " + describe(node));
}

void TfjsImporter::importPlaceholder(const TfjsNode& node) {
  if (result_.graph.input >= 0) throw ConvertError(describe(node) + " is a second input; only one is supported");
  std::optional<std::string> dtype;
  if (auto attr = node.attr.find("dtype"); attr != node.attr.end() && attr->is_object())
    dtype = attr->value("type", "DT_FLOAT");
  if (dtype && *dtype != "DT_FLOAT") throw ConvertError(describe(node) + " has dtype " + *dtype + ", not DT_FLOAT");
  std::vector<int64_t> dims = placeholderDims(node);
  std::string shape;
  for (int64_t d : dims) shape += (shape.empty() ? "" : ",") + std::to_string(d);
  bool spatial_ok = dims.size() == 4 && dims[1] != 0 && dims[2] != 0 && dims[1] >= -1 && dims[2] >= -1;
  if (dims.size() != 4 || !spatial_ok || (dims[0] != 1 && dims[0] != -1) || dims[3] != 3)
    throw ConvertError(describe(node) + " has shape [" + shape + "]; the input must be 4-D NHWC [1, h, w, 3]");
  result_.graph.input = result_.graph.addTensor(node.name, 3);
  result_.tensor_of[node.name] = result_.graph.input;
}

void TfjsImporter::importConst(const TfjsNode& node) {
  if (!weights_.contains(node.name)) throw ConvertError(describe(node) + " has no entry in weightsManifest");
  weight_of_[node.name] = node.name;
}

void TfjsImporter::importConv(const TfjsNode& node, bool depthwise, bool fused) {
  requireNhwc(node);
  Activation activation = fused ? readFusedOps(node) : Activation::None;
  requireInputs(node, fused ? 3 : 2);
  int input = activationInput(node, 0);
  const TfjsWeight& filter = weightInput(node, 1);
  if (filter.shape.size() != 4)
    throw ConvertError(describe(node) + ": filter '" + node.inputs[1] + "' is not 4-D [h, w, in, out]");
  int h = checkedInt(filter.shape[0], 1, node, "filter height");
  int w = checkedInt(filter.shape[1], 1, node, "filter width");
  int in = checkedInt(filter.shape[2], 1, node, "filter input channels");
  int out = checkedInt(filter.shape[3], 1, node, depthwise ? "channel multiplier" : "filter output channels");
  int channels = result_.graph.tensors[size_t(input)].channels;
  if (in != channels)
    throw ConvertError(describe(node) + ": filter '" + node.inputs[1] + "' expects " + std::to_string(in) +
                       " input channels, but '" + node.inputs[0] + "' has " + std::to_string(channels));
  if (depthwise && out != 1)
    throw ConvertError(describe(node) + ": channel multiplier " + std::to_string(out) + " is not supported, only 1");
  Node conv;
  conv.kind = depthwise ? OpKind::DepthwiseConv2d : OpKind::Conv2d;
  conv.inputs = {input};
  conv.in_channels = channels;
  conv.window = readWindow(node, h, w);
  conv.weights = hwioToOihw(filter.values, size_t(h), size_t(w), size_t(in), size_t(out));
  int out_channels = depthwise ? channels : out;
  if (fused) conv.bias = biasInput(node, 2, out_channels);
  conv.activation = activation;  // Clip keeps the IR's default 0..6 bounds
  addNode(std::move(conv), node, out_channels);
}

// The IR has no bias-add node, so a BiasAdd is only importable as part of
// the conv that produces its input.
void TfjsImporter::importBiasAdd(const TfjsNode& node) {
  requireNhwc(node);
  requireInputs(node, 2);
  int tensor = activationInput(node, 0);
  int producer = result_.graph.producerOf(tensor);
  Node* conv = producer >= 0 ? &result_.graph.nodes[size_t(producer)] : nullptr;
  bool is_conv = conv && (conv->kind == OpKind::Conv2d || conv->kind == OpKind::DepthwiseConv2d);
  if (!is_conv || conv->activation != Activation::None || result_.readers[node.inputs[0]] != 1)
    throw ConvertError(describe(node) +
                       " does not directly follow a conv without activation whose output only it reads; "
                       "the IR has no separate bias add");
  std::vector<float> bias = biasInput(node, 1, conv->out_channels);
  if (conv->bias.empty()) conv->bias.assign(bias.size(), 0.f);
  for (size_t c = 0; c < bias.size(); ++c) conv->bias[c] += bias[c];
  result_.graph.tensors[size_t(tensor)].name = node.name;  // the tensor now holds the BiasAdd's value
  result_.tensor_of[node.name] = tensor;
  log_.verbose("tfjs import: folded BiasAdd '" + node.name + "' into '" + conv->name + "'");
}

// An Identity of a Const is only another name for the weight.
void TfjsImporter::importIdentity(const TfjsNode& node) {
  requireInputs(node, 1);
  if (auto weight = weight_of_.find(node.inputs[0]); weight != weight_of_.end()) {
    weight_of_[node.name] = weight->second;
    return;
  }
  importUnary(node, OpKind::Identity);
}

void TfjsImporter::importUnary(const TfjsNode& node, OpKind kind) {
  requireInputs(node, 1);
  Node unary;
  unary.kind = kind;
  unary.inputs = {activationInput(node, 0)};
  unary.in_channels = result_.graph.tensors[size_t(unary.inputs[0])].channels;
  addNode(std::move(unary), node, unary.in_channels);
}

void TfjsImporter::importAdd(const TfjsNode& node) {
  requireInputs(node, 2);
  Node add;
  add.kind = OpKind::Add;
  add.inputs = {activationInput(node, 0), activationInput(node, 1)};
  int a = result_.graph.tensors[size_t(add.inputs[0])].channels;
  int b = result_.graph.tensors[size_t(add.inputs[1])].channels;
  if (a != b)
    throw ConvertError(describe(node) + " adds " + std::to_string(a) + " channels to " + std::to_string(b));
  add.in_channels = a;
  addNode(std::move(add), node, a);
}

void TfjsImporter::importPool(const TfjsNode& node, OpKind kind) {
  requireNhwc(node);
  requireInputs(node, 1);
  Node pool;
  pool.kind = kind;
  pool.inputs = {activationInput(node, 0)};
  pool.in_channels = result_.graph.tensors[size_t(pool.inputs[0])].channels;
  auto [kernel_h, kernel_w] = spatialPair(node, "ksize", true);
  pool.window = readWindow(node, kernel_h, kernel_w);
  pool.count_include_pad = false;  // TF averages over the cells inside the input
  addNode(std::move(pool), node, pool.in_channels);
}

void TfjsImporter::requireInputs(const TfjsNode& node, size_t count) const {
  if (node.inputs.size() != count)
    throw ConvertError(describe(node) + " has " + std::to_string(node.inputs.size()) + " inputs, expected " +
                       std::to_string(count));
}

int TfjsImporter::activationInput(const TfjsNode& node, size_t index) const {
  const std::string& name = node.inputs[index];
  auto tensor = result_.tensor_of.find(name);
  if (tensor == result_.tensor_of.end())
    throw ConvertError(describe(node) + ": input " + std::to_string(index) + " '" + name +
                       "' is a constant; an activation is expected there");
  return tensor->second;
}

const TfjsWeight& TfjsImporter::weightInput(const TfjsNode& node, size_t index) const {
  const std::string& name = node.inputs[index];
  auto alias = weight_of_.find(name);
  if (alias == weight_of_.end())
    throw ConvertError(describe(node) + ": input " + std::to_string(index) + " '" + name +
                       "' is not a Const; only constant weights are supported there");
  const TfjsWeight& weight = weights_.at(alias->second);
  if (weight.dtype != "float32")
    throw ConvertError(describe(node) + ": weight '" + alias->second + "' has dtype " + weight.dtype +
                       "; only float32 weights are supported");
  return weight;
}

std::vector<float> TfjsImporter::biasInput(const TfjsNode& node, size_t index, int channels) const {
  const TfjsWeight& bias = weightInput(node, index);
  if (bias.shape.size() != 1 || bias.shape[0] != channels)
    throw ConvertError(describe(node) + ": bias '" + node.inputs[index] + "' must have shape [" +
                       std::to_string(channels) + "]");
  return bias.values;
}

void TfjsImporter::addNode(Node node, const TfjsNode& source, int channels) {
  node.name = source.name;
  node.out_channels = channels;
  node.output = result_.graph.addTensor(source.name, channels);
  result_.tensor_of[source.name] = node.output;
  result_.graph.nodes.push_back(std::move(node));
}

json readModelJson(const std::string& path) {
  std::error_code error;
  std::ifstream in(path);
  if (!std::filesystem::is_regular_file(path, error) || !in)
    throw ConvertError("cannot open TF.js model '" + path + "'");
  json model;
  try {
    model = json::parse(in);
  } catch (const json::parse_error& e) {
    throw ConvertError("'" + path + "' is not valid JSON: " + e.what());
  }
  if (!model.is_object()) throw ConvertError("'" + path + "' is not a TF.js model.json (no top-level object)");
  auto format = model.find("format");
  if (format != model.end() && *format != "graph-model")
    throw ConvertError("'" + path + "' has format " + format->dump() + "; only TF.js graph models are supported");
  return model;
}

}  // namespace

Graph importTfjs(const std::string& model_json_path, Log& log) {
  json model = readModelJson(model_json_path);
  try {
    TfjsWeights weights = readTfjsWeights(model.value("weightsManifest", json::array()), model_json_path);
    std::vector<TfjsNode> nodes = parseTfjsNodes(model.value("modelTopology", json::object()));
    sortTopologically(nodes);
    TfjsGraph imported = TfjsImporter(weights, nodes, log).run();
    assignOutputRoles(imported, nodes);
    describeModel(imported.graph, model, std::filesystem::path(model_json_path).filename().string());
    validateGraph(imported.graph);
    logNodeCounts(imported.graph, log);
    return std::move(imported.graph);
  } catch (const json::exception& e) {
    throw ConvertError(model_json_path + ": malformed model.json: " + e.what());
  } catch (const ConvertError& e) {
    throw ConvertError(model_json_path + ": " + e.what());
  }
}

}  // namespace vkpose::convert
