// Building blocks of the ONNX exporter: unique value names, initializers and
// nodes with their attributes, all in the standard ai.onnx domain.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "converter/ir.h"

namespace vkpose::convert::onnxexport {

// ONNX requires every value name in a graph to be unique; IR tensor and node
// names need not be, so each name handed out is made unique here.
class NameTable {
 public:
  // `wanted`, or `wanted` with a numeric suffix when taken.
  std::string take(const std::string& wanted);

 private:
  std::unordered_set<std::string> used_;
};

class GraphBuilder {
 public:
  GraphBuilder(onnx::GraphProto& graph, NameTable& names) : graph_(graph), names_(names) {}

  // A float32 initializer holding `values` bit for bit; returns its name.
  std::string addInitializer(const std::string& wanted_name, const std::vector<int64_t>& dims,
                             const std::vector<float>& values);
  onnx::NodeProto& addNode(const char* op_type, const std::string& name, std::vector<std::string> inputs,
                           const std::string& output);

  // Conv or pool attributes for `window` (kernel_shape, strides, dilations
  // unless `with_dilations` is false, and auto_pad or pads).
  static void addWindowAttributes(onnx::NodeProto& node, const Window& window, bool with_dilations);
  static void addInts(onnx::NodeProto& node, const char* name, const std::vector<int64_t>& values);
  static void addInt(onnx::NodeProto& node, const char* name, int64_t value);
  static void addFloat(onnx::NodeProto& node, const char* name, float value);
  static void addString(onnx::NodeProto& node, const char* name, const std::string& value);

  // A graph input or output: float [1, channels, height, width] with the
  // spatial sizes symbolic.
  static void describeImage(onnx::ValueInfoProto& value, const std::string& name, int channels, const char* height,
                            const char* width);

 private:
  onnx::GraphProto& graph_;
  NameTable& names_;
};

}  // namespace vkpose::convert::onnxexport
