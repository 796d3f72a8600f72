// Small ONNX models built in code for the converter tests, and helpers that
// run them through the ONNX front end via a temporary file.
#pragma once

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <variant>
#include <vector>

#include "converter/ir.h"
#include "converter/log.h"

namespace vkpose::test {

// A fixed size or a symbolic name (dim_param).
using OnnxDim = std::variant<int64_t, std::string>;

class OnnxModelBuilder {
 public:
  // ir_version 8 and the given ai.onnx opset.
  explicit OnnxModelBuilder(int opset = 13);

  onnx::ModelProto& model() { return model_; }
  const onnx::ModelProto& model() const { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }

  // A float32 graph input.
  void input(const std::string& name, const std::vector<OnnxDim>& dims);
  // A float32 initializer; `raw` stores raw_data, else float_data.
  onnx::TensorProto& initializer(const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<float>& values, bool raw = true);
  onnx::TensorProto& int64Initializer(const std::string& name, const std::vector<int64_t>& dims,
                                      const std::vector<int64_t>& values);
  onnx::NodeProto& node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "");
  // A Conv with random weights [out, in/group, kh, kw] named `<name>.w`/`.b`.
  onnx::NodeProto& conv(const std::string& name, const std::string& input, const std::string& output, int in_channels,
                        int out_channels, int kernel, int group = 1, bool bias = true);
  void output(const std::string& name);
  void metadata(const std::string& key, const std::string& value);

  std::vector<uint8_t> bytes() const;

 private:
  onnx::ModelProto model_;
  uint32_t seed_ = 1;
};

void setInts(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values);
void setInt(onnx::NodeProto& node, const std::string& name, int64_t value);
void setFloat(onnx::NodeProto& node, const std::string& name, float value);
void setString(onnx::NodeProto& node, const std::string& name, const std::string& value);
void setTensor(onnx::NodeProto& node, const std::string& name, const onnx::TensorProto& value);

// The four PoseNet heads (1x1 convs: heatmap 17, offsets 34, displacement_fwd
// and _bwd 32 channels) reading `from`, declared as graph outputs.
void addPoseHeads(OnnxModelBuilder& builder, const std::string& from, int channels);

// image [1,3,"height","width"] -> Conv 3x3 stride 2 SAME_UPPER "stem" (8
// channels) -> Relu "stem_relu" -> heads. Tests mutate it for bad input.
OnnxModelBuilder poseModel(int opset = 13);

// image [1,3,"h","w"] -> the nodes `build` adds, ending in tensor "features"
// with `channels` channels -> the pose heads.
OnnxModelBuilder bodyModel(int opset, int channels, const std::function<void(OnnxModelBuilder&)>& build);

// Same floats bit for bit (NaN payloads and signed zeros included).
bool bitIdentical(const std::vector<float>& a, const std::vector<float>& b);

// A file under the test temp dir, removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& bytes);
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The IR node called `name`; fails the test (and throws) when there is none.
const convert::Node& irNode(const convert::Graph& graph, const std::string& name);

// Passes when `message` contains every one of `parts`.
::testing::AssertionResult mentions(const std::string& message, std::initializer_list<std::string> parts);

// Imports `bytes` (a model's serialisation, or anything else) as an .onnx file.
convert::Graph importOnnxBytes(const std::vector<uint8_t>& bytes, convert::Log* log = nullptr);
// The ConvertError message importing `bytes` raises; fails the test and
// returns "" when it imports fine.
std::string onnxImportError(const std::vector<uint8_t>& bytes);

}  // namespace vkpose::test
