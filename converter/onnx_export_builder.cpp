#include "converter/onnx_export_builder.h"

#include <cstring>

namespace vkpose::convert::onnxexport {

std::string NameTable::take(const std::string& wanted) {
  std::string base = wanted.empty() ? std::string("value") : wanted;
  std::string name = base;
  for (int suffix = 2; used_.count(name); ++suffix) name = base + "_" + std::to_string(suffix);
  used_.insert(name);
  return name;
}

std::string GraphBuilder::addInitializer(const std::string& wanted_name, const std::vector<int64_t>& dims,
                                         const std::vector<float>& values) {
  onnx::TensorProto& tensor = *graph_.add_initializer();
  tensor.set_name(names_.take(wanted_name));
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t dim : dims) tensor.add_dims(dim);
  // raw_data is little-endian float32, the same bytes as the IR's floats.
  std::string bytes(values.size() * sizeof(float), '\0');
  if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  tensor.set_raw_data(std::move(bytes));
  return tensor.name();
}

onnx::NodeProto& GraphBuilder::addNode(const char* op_type, const std::string& name, std::vector<std::string> inputs,
                                       const std::string& output) {
  onnx::NodeProto& node = *graph_.add_node();
  node.set_op_type(op_type);
  node.set_name(name);
  for (auto& input : inputs) node.add_input(std::move(input));
  node.add_output(output);
  return node;
}

void GraphBuilder::addWindowAttributes(onnx::NodeProto& node, const Window& window, bool with_dilations) {
  addInts(node, "kernel_shape", {window.kernel_h, window.kernel_w});
  addInts(node, "strides", {window.stride_h, window.stride_w});
  if (with_dilations) addInts(node, "dilations", {window.dilation_h, window.dilation_w});
  switch (window.padding) {
    case PaddingMode::Explicit:
      // ONNX order: [x1_begin, x2_begin, x1_end, x2_end].
      addInts(node, "pads", {window.pad_top, window.pad_left, window.pad_bottom, window.pad_right});
      break;
    case PaddingMode::SameUpper: addString(node, "auto_pad", "SAME_UPPER"); break;
    case PaddingMode::SameLower: addString(node, "auto_pad", "SAME_LOWER"); break;
    case PaddingMode::Valid: addString(node, "auto_pad", "VALID"); break;
  }
}

void GraphBuilder::addInts(onnx::NodeProto& node, const char* name, const std::vector<int64_t>& values) {
  auto& attribute = *node.add_attribute();
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::INTS);
  for (int64_t value : values) attribute.add_ints(value);
}

void GraphBuilder::addInt(onnx::NodeProto& node, const char* name, int64_t value) {
  auto& attribute = *node.add_attribute();
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::INT);
  attribute.set_i(value);
}

void GraphBuilder::addFloat(onnx::NodeProto& node, const char* name, float value) {
  auto& attribute = *node.add_attribute();
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::FLOAT);
  attribute.set_f(value);
}

void GraphBuilder::addString(onnx::NodeProto& node, const char* name, const std::string& value) {
  auto& attribute = *node.add_attribute();
  attribute.set_name(name);
  attribute.set_type(onnx::AttributeProto::STRING);
  attribute.set_s(value);
}

void GraphBuilder::describeImage(onnx::ValueInfoProto& value, const std::string& name, int channels, const char* height,
                                 const char* width) {
  value.set_name(name);
  auto& tensor_type = *value.mutable_type()->mutable_tensor_type();
  tensor_type.set_elem_type(onnx::TensorProto::FLOAT);
  auto& shape = *tensor_type.mutable_shape();
  shape.add_dim()->set_dim_value(1);
  shape.add_dim()->set_dim_value(channels);
  shape.add_dim()->set_dim_param(height);
  shape.add_dim()->set_dim_param(width);
}

}  // namespace vkpose::convert::onnxexport
