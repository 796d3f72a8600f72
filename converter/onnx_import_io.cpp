#include "converter/onnx_import_io.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <unordered_set>

#include "converter/onnx_tensors.h"

namespace vkpose::convert::onnximport {

namespace {

const onnx::ValueInfoProto& findImageInput(const onnx::GraphProto& graph) {
  std::unordered_set<std::string> initializers;
  for (const auto& initializer : graph.initializer()) initializers.insert(initializer.name());
  std::vector<const onnx::ValueInfoProto*> candidates;
  for (const auto& input : graph.input())
    if (!initializers.count(input.name())) candidates.push_back(&input);
  if (candidates.empty()) throw ConvertError("graph has no input (every input is an initializer)");
  if (candidates.size() > 1) {
    std::string names;
    for (const auto* input : candidates) names += (names.empty() ? "'" : ", '") + input->name() + "'";
    throw ConvertError("graph has " + std::to_string(candidates.size()) + " inputs (" + names +
                       "); expected one image input");
  }
  return *candidates[0];
}

bool readByTranspose(const onnx::GraphProto& graph, const std::string& input) {
  return std::any_of(graph.node().begin(), graph.node().end(), [&](const onnx::NodeProto& node) {
    return node.op_type() == "Transpose" && node.input_size() > 0 && node.input(0) == input;
  });
}

// A fixed dimension must equal `expected`; a symbolic or unknown one passes.
void requireDim(const onnx::ValueInfoProto& input, int index, int64_t expected, const char* layout) {
  const auto& dim = input.type().tensor_type().shape().dim(index);
  if (dim.value_case() == onnx::TensorShapeProto_Dimension::kDimValue && dim.dim_value() != expected)
    throw ConvertError("input '" + input.name() + "' has " + std::to_string(dim.dim_value()) + " at dimension " +
                       std::to_string(index) + "; expected " + std::to_string(expected) + " in " + layout);
}

void requireSpatialDim(const onnx::ValueInfoProto& input, int index) {
  const auto& dim = input.type().tensor_type().shape().dim(index);
  if (dim.value_case() == onnx::TensorShapeProto_Dimension::kDimValue && dim.dim_value() <= 0)
    throw ConvertError("input '" + input.name() + "' has size " + std::to_string(dim.dim_value()) + " at dimension " +
                       std::to_string(index));
}

void checkImageInput(const onnx::ValueInfoProto& input, bool nhwc) {
  const std::string name = "input '" + input.name() + "'";
  if (!input.type().has_tensor_type()) throw ConvertError(name + " is not a tensor");
  const auto& tensor_type = input.type().tensor_type();
  if (tensor_type.elem_type() != onnx::TensorProto::FLOAT)
    throw ConvertError(name + " has element type " + dataTypeName(tensor_type.elem_type()) + "; expected FLOAT");
  const char* layout = nhwc ? "NHWC [N,H,W,3]" : "[N,3,H,W]";
  if (!tensor_type.has_shape()) throw ConvertError(name + " has no shape; expected a 4-D image " + layout);
  int rank = tensor_type.shape().dim_size();
  if (rank != 4) throw ConvertError(name + " has rank " + std::to_string(rank) + "; expected a 4-D image " + layout);
  requireDim(input, 0, 1, layout);
  requireDim(input, nhwc ? 3 : 1, 3, layout);
  requireSpatialDim(input, nhwc ? 1 : 2);
  requireSpatialDim(input, nhwc ? 2 : 3);
}

std::optional<OutputRole> roleFromName(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  static const std::pair<const char*, OutputRole> kPatterns[] = {
      {"heatmap", OutputRole::Heatmap},
      {"offset", OutputRole::Offsets},
      {"displacement_fwd", OutputRole::DisplacementFwd},
      {"displacement_bwd", OutputRole::DisplacementBwd},
  };
  std::optional<OutputRole> role;
  for (const auto& [pattern, candidate] : kPatterns) {
    if (lower.find(pattern) == std::string::npos) continue;
    if (role) return std::nullopt;  // matches two roles: ambiguous
    role = candidate;
  }
  return role;
}

std::string outputsFound(const onnx::GraphProto& graph) {
  std::string found;
  for (const auto& output : graph.output()) {
    auto role = roleFromName(output.name());
    found += (found.empty() ? "'" : ", '") + output.name() + "' (" + (role ? outputRoleName(*role) : "no role") + ")";
  }
  return found.empty() ? "none" : found;
}

bool rolesComplete(const std::vector<Output>& outputs) {
  if (outputs.size() != 4) return false;
  for (OutputRole role :
       {OutputRole::Heatmap, OutputRole::Offsets, OutputRole::DisplacementFwd, OutputRole::DisplacementBwd})
    if (std::none_of(outputs.begin(), outputs.end(), [&](const Output& o) { return o.role == role; })) return false;
  return true;
}

int outputTensor(const ImportState& state, const std::string& name) {
  int tensor = state.tensorOf(name);
  if (tensor < 0) throw ConvertError("graph output '" + name + "' is not produced by any node");
  if (tensor == state.graph.input) throw ConvertError("graph output '" + name + "' is the graph input");
  return tensor;
}

}  // namespace

void importGraphInput(ImportState& state, const onnx::GraphProto& graph) {
  const onnx::ValueInfoProto& input = findImageInput(graph);
  bool nhwc = readByTranspose(graph, input.name());
  checkImageInput(input, nhwc);
  state.setGraphInput(input.name(), nhwc);
}

void importGraphOutputs(ImportState& state, const onnx::GraphProto& graph) {
  std::vector<Output> outputs;
  for (const auto& output : graph.output()) {
    auto role = roleFromName(output.name());
    if (role) outputs.push_back({*role, -1});
  }
  if (outputs.size() != size_t(graph.output_size()) || !rolesComplete(outputs))
    throw ConvertError(
        "graph outputs must be exactly heatmap, offsets, displacement_fwd and displacement_bwd "
        "(matched by name); found " +
        outputsFound(graph));
  for (int i = 0; i < graph.output_size(); ++i) outputs[size_t(i)].tensor = outputTensor(state, graph.output(i).name());
  state.graph.outputs = std::move(outputs);
}

}  // namespace vkpose::convert::onnximport
