#include "converter/onnx_metadata.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace vkpose::convert {

namespace {

// PoseNet ResNet50's preprocessing adds these (negated ImageNet channel means).
const std::vector<float> kResNetMean = {-123.15f, -115.90f, -103.06f};

[[noreturn]] void badValue(const char* key, const std::string& value, const char* expected) {
  throw ConvertError(std::string("metadata ") + key + " is '" + value + "', expected " + expected);
}

Preprocessing parsePreprocessing(const std::string& value) {
  if (value == "mobilenet") return Preprocessing::MobileNet;
  if (value == "resnet") return Preprocessing::ResNet;
  badValue(kOnnxPreprocessingKey, value, "'mobilenet' or 'resnet'");
}

int parseOutputStride(const std::string& value) {
  int stride = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), stride);
  if (error != std::errc() || end != value.data() + value.size() || stride <= 0)
    badValue(kOnnxOutputStrideKey, value, "a positive integer");
  return stride;
}

std::vector<float> parseMean(const std::string& value) {
  std::vector<float> mean;
  std::string_view text = value;
  for (size_t start = 0;;) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? comma : comma - start);
    float number = 0.f;
    auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), number);
    if (error != std::errc() || end != item.data() + item.size() || !std::isfinite(number))
      badValue(kOnnxMeanKey, value, "three comma-separated numbers");
    mean.push_back(number);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (mean.size() != 3) badValue(kOnnxMeanKey, value, "three comma-separated numbers");
  return mean;
}

std::string floatText(float value) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

void addProperty(onnx::ModelProto& model, const char* key, const std::string& value) {
  auto* property = model.add_metadata_props();
  property->set_key(key);
  property->set_value(value);
}

}  // namespace

Metadata readOnnxMetadata(const onnx::ModelProto& model) {
  Metadata metadata;
  for (const auto& property : model.metadata_props()) {
    const std::string& key = property.key();
    if (key == kOnnxPreprocessingKey) metadata.preprocessing = parsePreprocessing(property.value());
    if (key == kOnnxOutputStrideKey) metadata.output_stride = parseOutputStride(property.value());
    if (key == kOnnxArchitectureKey) metadata.architecture = property.value();
    if (key == kOnnxSourceKey) metadata.source = property.value();
    if (key == kOnnxMeanKey) metadata.mean = parseMean(property.value());
  }
  if (metadata.preprocessing == Preprocessing::ResNet && metadata.mean.empty()) metadata.mean = kResNetMean;
  return metadata;
}

void writeOnnxMetadata(const Metadata& metadata, onnx::ModelProto& model) {
  bool resnet = metadata.preprocessing == Preprocessing::ResNet;
  addProperty(model, kOnnxPreprocessingKey, resnet ? "resnet" : "mobilenet");
  addProperty(model, kOnnxOutputStrideKey, std::to_string(metadata.output_stride));
  if (!metadata.architecture.empty()) addProperty(model, kOnnxArchitectureKey, metadata.architecture);
  if (!metadata.source.empty()) addProperty(model, kOnnxSourceKey, metadata.source);
  if (resnet && !metadata.mean.empty()) {
    std::string text;
    for (float value : metadata.mean) text += (text.empty() ? "" : ",") + floatText(value);
    addProperty(model, kOnnxMeanKey, text);
  }
}

}  // namespace vkpose::convert
