#include "converter/onnx_import_state.h"

namespace vkpose::convert::onnximport {

ImportState::ImportState(const onnx::GraphProto& graph_proto, int opset_version, Log& import_log)
    : opset(opset_version), log(import_log) {
  for (const auto& initializer : graph_proto.initializer()) constants_[initializer.name()] = &initializer;
  for (const auto& output : graph_proto.output()) graph_outputs_.insert(output.name());
}

void ImportState::setGraphInput(const std::string& name, bool nhwc) {
  graph.input = graph.addTensor(name, 3);
  input_name_ = name;
  nhwc_input_ = nhwc;
  activations_[name] = graph.input;
}

int ImportState::tensorOf(const std::string& name) const {
  auto found = activations_.find(name);
  return found == activations_.end() ? -1 : found->second;
}

int ImportState::activation(const NodeSite& site, const std::string& name) const {
  if (isNhwcInput(name))
    site.fail("reads the NHWC graph input '" + name +
              "' directly; only a Transpose with perm [0,3,1,2] may read it (the runtime computes in NCHW)");
  if (int tensor = tensorOf(name); tensor >= 0) return tensor;
  if (isConstant(name))
    site.fail("input '" + name + "' is a constant; " + site.proto->op_type() + " is only supported on activations");
  site.fail("input '" + name + "' is not a graph input, initializer, Constant or output of an earlier node");
}

const onnx::TensorProto& ImportState::constant(const NodeSite& site, const std::string& name, const char* what) const {
  auto found = constants_.find(name);
  if (found != constants_.end()) return *found->second;
  if (isActivation(name))
    site.fail(std::string(what) + " '" + name + "' is computed by the graph; it must be an initializer or Constant");
  site.fail(std::string(what) + " '" + name + "' is not an initializer, Constant or output of an earlier node");
}

std::string ImportState::optionalInput(const NodeSite& site, int index) {
  return index < site.proto->input_size() ? site.proto->input(index) : std::string();
}

void ImportState::requireNewName(const NodeSite& site, const std::string& name) const {
  if (name.empty()) site.fail("has no output name");
  if (isActivation(name) || isConstant(name))
    site.fail("output '" + name + "' is already defined earlier in the graph");
}

void ImportState::emit(const NodeSite& site, Node node, int out_channels) {
  const auto& proto = *site.proto;
  if (proto.output_size() == 0) site.fail("has no output");
  for (int i = 1; i < proto.output_size(); ++i)
    if (!proto.output(i).empty())
      site.fail("has an extra output '" + proto.output(i) + "'; only the first output is supported");
  const std::string& name = proto.output(0);
  requireNewName(site, name);
  node.name = site.irName();
  node.output = graph.addTensor(name, out_channels);
  activations_[name] = node.output;
  graph.nodes.push_back(std::move(node));
}

void ImportState::defineConstant(const NodeSite& site, onnx::TensorProto value) {
  if (site.proto->output_size() != 1) site.fail("must have exactly one output");
  const std::string& name = site.proto->output(0);
  requireNewName(site, name);
  value.set_name(name);
  owned_constants_.push_back(std::move(value));
  constants_[name] = &owned_constants_.back();
}

void ImportState::aliasConstant(const NodeSite& site, const std::string& alias, const std::string& name) {
  requireNewName(site, alias);
  constants_[alias] = constants_.at(name);
}

}  // namespace vkpose::convert::onnximport
