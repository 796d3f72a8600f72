// What the per-operator importers share while the ONNX graph is walked in
// order: the IR being built, which ONNX names are activations (IR tensors)
// and which are constants (initializers, Constant node values).
#pragma once

#include <onnx/onnx_pb.h>

#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "converter/ir.h"
#include "converter/log.h"
#include "converter/onnx_attributes.h"

namespace vkpose::convert::onnximport {

class ImportState {
 public:
  ImportState(const onnx::GraphProto& graph_proto, int opset, Log& log);

  Graph graph;
  const int opset;
  Log& log;

  // The image input. An NHWC input may only be read by the transpose that
  // turns it into NCHW (see readNhwcInput).
  void setGraphInput(const std::string& name, bool nhwc);

  bool isConstant(const std::string& name) const { return constants_.count(name) != 0; }
  bool isActivation(const std::string& name) const { return activations_.count(name) != 0; }
  // The IR tensor of activation `name`, or -1 when it is none.
  int tensorOf(const std::string& name) const;
  bool isGraphOutput(const std::string& name) const { return graph_outputs_.count(name) != 0; }
  bool isNhwcInput(const std::string& name) const { return nhwc_input_ && name == input_name_; }

  // The IR tensor carrying activation `name`; an error naming the node and
  // `name` when it is a constant or not defined yet.
  int activation(const NodeSite& site, const std::string& name) const;
  // The NHWC graph input's tensor, for the one transpose allowed to read it.
  int readNhwcInput() const { return graph.input; }
  // The constant `name` (`what` says what it is for, e.g. "weights").
  const onnx::TensorProto& constant(const NodeSite& site, const std::string& name, const char* what) const;
  // The node's input `index`, or "" when absent or left empty (optional inputs).
  static std::string optionalInput(const NodeSite& site, int index);

  // Appends `node` with a new tensor for the ONNX node's only output.
  void emit(const NodeSite& site, Node node, int out_channels);
  // Constant node values, and names that alias a constant (Identity).
  void defineConstant(const NodeSite& site, onnx::TensorProto value);
  void aliasConstant(const NodeSite& site, const std::string& alias, const std::string& name);

 private:
  void requireNewName(const NodeSite& site, const std::string& name) const;

  std::unordered_map<std::string, int> activations_;
  std::unordered_map<std::string, const onnx::TensorProto*> constants_;
  std::deque<onnx::TensorProto> owned_constants_;  // stable addresses
  std::unordered_set<std::string> graph_outputs_;
  std::string input_name_;
  bool nhwc_input_ = false;
};

}  // namespace vkpose::convert::onnximport
