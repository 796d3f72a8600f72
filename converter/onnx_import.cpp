#include "converter/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "converter/onnx_import_io.h"
#include "converter/onnx_import_ops.h"
#include "converter/onnx_metadata.h"

namespace vkpose::convert {

namespace {

using onnximport::ImportState;
using onnximport::NodeSite;

onnx::ModelProto parseModel(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ConvertError(path + ": cannot open: " + std::strerror(errno));
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&file)) throw ConvertError(path + " is not a valid ONNX model (protobuf parse failed)");
  return model;
}

int defaultDomainOpset(const onnx::ModelProto& model) {
  for (const auto& opset : model.opset_import()) {
    if (!opset.domain().empty() && opset.domain() != "ai.onnx") continue;
    if (opset.version() < 1 || opset.version() > INT_MAX)
      throw ConvertError("opset_import has ai.onnx version " + std::to_string(opset.version()));
    return int(opset.version());
  }
  throw ConvertError("model declares no ai.onnx opset (opset_import is empty)");
}

// Provenance when the model does not state it in vkpose.source.
std::string defaultSource(const onnx::ModelProto& model, const std::string& path) {
  std::string source = "ONNX model " + std::filesystem::path(path).filename().string();
  if (!model.producer_name().empty())
    source +=
        " (" + model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version()) + ")";
  return source;
}

Graph buildGraph(const onnx::ModelProto& model, Log& log) {
  // Protobuf accepts many byte strings as a message with nothing set, so an
  // empty model is the usual sign of a file that is not ONNX at all.
  if (!model.has_graph()) throw ConvertError("model has no graph (not an ONNX model?)");
  const onnx::GraphProto& graph_proto = model.graph();
  ImportState state(graph_proto, defaultDomainOpset(model), log);
  importGraphInput(state, graph_proto);
  for (int i = 0; i < graph_proto.node_size(); ++i)
    onnximport::importNode(state, NodeSite{&graph_proto.node(i), i + 1, graph_proto.node_size()});
  importGraphOutputs(state, graph_proto);
  state.graph.metadata = readOnnxMetadata(model);
  validateGraph(state.graph);
  log.verbose("onnx: opset " + std::to_string(state.opset) + ", " + std::to_string(graph_proto.node_size()) +
              " ONNX nodes -> " + std::to_string(state.graph.nodes.size()) + " IR nodes, input '" +
              state.graph.tensors[size_t(state.graph.input)].name + "'" +
              (state.isNhwcInput(state.graph.tensors[size_t(state.graph.input)].name) ? " (NHWC)" : ""));
  return std::move(state.graph);
}

}  // namespace

Graph importOnnx(const std::string& path, Log& log) {
  onnx::ModelProto model = parseModel(path);
  try {
    Graph graph = buildGraph(model, log);
    if (graph.metadata.source.empty()) graph.metadata.source = defaultSource(model, path);
    return graph;
  } catch (const ConvertError& error) {
    throw ConvertError(path + ": " + error.what());
  }
}

}  // namespace vkpose::convert
