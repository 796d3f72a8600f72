// Reading ONNX node attributes, with every failure turned into a ConvertError
// that names the node and attribute at fault. The protobuf is untrusted input:
// types and integer ranges are checked before anything is narrowed.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "converter/ir.h"

namespace vkpose::convert::onnximport {

// A node and its place in the graph, for messages.
struct NodeSite {
  const onnx::NodeProto* proto = nullptr;
  int position = 0;  // 1-based
  int count = 0;

  // "'conv1'", or "<unnamed, output 'y'>" when the node has no name.
  std::string label() const;
  // "node 'conv1' (Conv, node 3 of 40)"
  std::string describe() const;
  // The IR node name: the ONNX name, else the first output's name.
  std::string irName() const;
  [[noreturn]] void fail(const std::string& what) const;
  // Fails unless the node has between `min` and `max` inputs.
  void requireInputs(int min, int max) const;
};

const onnx::AttributeProto* findAttribute(const onnx::NodeProto& node, std::string_view name);

int64_t intAttribute(const NodeSite& site, std::string_view name, int64_t fallback);
float floatAttribute(const NodeSite& site, std::string_view name, float fallback);
std::string stringAttribute(const NodeSite& site, std::string_view name, const std::string& fallback);
// Empty when absent.
std::vector<int64_t> intsAttribute(const NodeSite& site, std::string_view name);

// "[0,3,1,2]", for messages.
std::string intsText(const std::vector<int64_t>& values);

// Narrows an ONNX int64 to int, refusing values outside [min_value, INT_MAX].
int toInt(const NodeSite& site, std::string_view field, int64_t value, int64_t min_value);

}  // namespace vkpose::convert::onnximport
