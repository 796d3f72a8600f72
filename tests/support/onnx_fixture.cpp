#include "tests/support/onnx_fixture.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "converter/onnx_import.h"
#include "tests/support/test_data.h"

namespace vkpose::test {

OnnxModelBuilder::OnnxModelBuilder(int opset) {
  model_.set_ir_version(8);
  model_.set_producer_name("vkpose-tests");
  auto* import = model_.add_opset_import();
  import->set_domain("");
  import->set_version(opset);
  graph().set_name("test");
}

void OnnxModelBuilder::input(const std::string& name, const std::vector<OnnxDim>& dims) {
  auto& value = *graph().add_input();
  value.set_name(name);
  auto& tensor_type = *value.mutable_type()->mutable_tensor_type();
  tensor_type.set_elem_type(onnx::TensorProto::FLOAT);
  auto& shape = *tensor_type.mutable_shape();
  for (const OnnxDim& dim : dims) {
    if (const auto* size = std::get_if<int64_t>(&dim))
      shape.add_dim()->set_dim_value(*size);
    else
      shape.add_dim()->set_dim_param(std::get<std::string>(dim));
  }
}

onnx::TensorProto& OnnxModelBuilder::initializer(const std::string& name, const std::vector<int64_t>& dims,
                                                 const std::vector<float>& values, bool raw) {
  auto& tensor = *graph().add_initializer();
  tensor.set_name(name);
  tensor.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t dim : dims) tensor.add_dims(dim);
  if (raw)
    tensor.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
  else
    for (float value : values) tensor.add_float_data(value);
  return tensor;
}

onnx::TensorProto& OnnxModelBuilder::int64Initializer(const std::string& name, const std::vector<int64_t>& dims,
                                                      const std::vector<int64_t>& values) {
  auto& tensor = *graph().add_initializer();
  tensor.set_name(name);
  tensor.set_data_type(onnx::TensorProto::INT64);
  for (int64_t dim : dims) tensor.add_dims(dim);
  for (int64_t value : values) tensor.add_int64_data(value);
  return tensor;
}

onnx::NodeProto& OnnxModelBuilder::node(const std::string& op_type, const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs, const std::string& name) {
  auto& node = *graph().add_node();
  node.set_op_type(op_type);
  node.set_name(name);
  for (const auto& input : inputs) node.add_input(input);
  for (const auto& output : outputs) node.add_output(output);
  return node;
}

onnx::NodeProto& OnnxModelBuilder::conv(const std::string& name, const std::string& input, const std::string& output,
                                        int in_channels, int out_channels, int kernel, int group, bool bias) {
  int64_t in_per_group = in_channels / group;
  std::vector<int64_t> dims = {out_channels, in_per_group, kernel, kernel};
  initializer(name + ".w", dims, randomFloats(size_t(out_channels * in_per_group * kernel * kernel), seed_++));
  std::vector<std::string> inputs = {input, name + ".w"};
  if (bias) {
    initializer(name + ".b", {out_channels}, randomFloats(size_t(out_channels), seed_++));
    inputs.push_back(name + ".b");
  }
  auto& conv = node("Conv", inputs, {output}, name);
  if (group != 1) setInt(conv, "group", group);
  return conv;
}

void OnnxModelBuilder::output(const std::string& name) {
  auto& value = *graph().add_output();
  value.set_name(name);
  value.mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
}

void OnnxModelBuilder::metadata(const std::string& key, const std::string& value) {
  auto& property = *model_.add_metadata_props();
  property.set_key(key);
  property.set_value(value);
}

std::vector<uint8_t> OnnxModelBuilder::bytes() const {
  std::string serialized = model_.SerializeAsString();
  return {serialized.begin(), serialized.end()};
}

namespace {

onnx::AttributeProto& newAttribute(onnx::NodeProto& node, const std::string& name,
                                   onnx::AttributeProto::AttributeType type) {
  auto& attribute = *node.add_attribute();
  attribute.set_name(name);
  attribute.set_type(type);
  return attribute;
}

}  // namespace

void setInts(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
  auto& attribute = newAttribute(node, name, onnx::AttributeProto::INTS);
  for (int64_t value : values) attribute.add_ints(value);
}

void setInt(onnx::NodeProto& node, const std::string& name, int64_t value) {
  newAttribute(node, name, onnx::AttributeProto::INT).set_i(value);
}

void setFloat(onnx::NodeProto& node, const std::string& name, float value) {
  newAttribute(node, name, onnx::AttributeProto::FLOAT).set_f(value);
}

void setString(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  newAttribute(node, name, onnx::AttributeProto::STRING).set_s(value);
}

void setTensor(onnx::NodeProto& node, const std::string& name, const onnx::TensorProto& value) {
  *newAttribute(node, name, onnx::AttributeProto::TENSOR).mutable_t() = value;
}

void addPoseHeads(OnnxModelBuilder& builder, const std::string& from, int channels) {
  const std::pair<const char*, int> heads[] = {
      {"heatmap", 17}, {"offsets", 34}, {"displacement_fwd", 32}, {"displacement_bwd", 32}};
  for (const auto& [name, head_channels] : heads) {
    builder.conv(std::string(name) + "_conv", from, name, channels, head_channels, 1);
    builder.output(name);
  }
}

OnnxModelBuilder poseModel(int opset) {
  OnnxModelBuilder builder(opset);
  builder.input("image", {int64_t(1), int64_t(3), "height", "width"});
  auto& stem = builder.conv("stem", "image", "stem_out", 3, 8, 3);
  setString(stem, "auto_pad", "SAME_UPPER");
  setInts(stem, "strides", {2, 2});
  builder.node("Relu", {"stem_out"}, {"features"}, "stem_relu");
  addPoseHeads(builder, "features", 8);
  return builder;
}

OnnxModelBuilder bodyModel(int opset, int channels, const std::function<void(OnnxModelBuilder&)>& build) {
  OnnxModelBuilder builder(opset);
  builder.input("image", {int64_t(1), int64_t(3), "h", "w"});
  build(builder);
  addPoseHeads(builder, "features", channels);
  return builder;
}

bool bitIdentical(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

TempFile::TempFile(const std::vector<uint8_t>& bytes) {
  static std::atomic<int> counter{0};
  path_ = ::testing::TempDir() + "vkpose_onnx_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".onnx";
  std::ofstream(path_, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

TempFile::~TempFile() { std::remove(path_.c_str()); }

const convert::Node& irNode(const convert::Graph& graph, const std::string& name) {
  for (const auto& node : graph.nodes)
    if (node.name == name) return node;
  ADD_FAILURE() << "no IR node named '" << name << "'";
  throw std::runtime_error("no IR node named " + name);
}

::testing::AssertionResult mentions(const std::string& message, std::initializer_list<std::string> parts) {
  for (const auto& part : parts)
    if (message.find(part) == std::string::npos)
      return ::testing::AssertionFailure() << "message lacks \"" << part << "\": " << message;
  return ::testing::AssertionSuccess();
}

convert::Graph importOnnxBytes(const std::vector<uint8_t>& bytes, convert::Log* log) {
  TempFile file(bytes);
  convert::Log quiet;
  return convert::importOnnx(file.path(), log ? *log : quiet);
}

std::string onnxImportError(const std::vector<uint8_t>& bytes) {
  try {
    importOnnxBytes(bytes);
  } catch (const convert::ConvertError& error) {
    return error.what();
  }
  ADD_FAILURE() << "import succeeded where an error was expected";
  return "";
}

}  // namespace vkpose::test
