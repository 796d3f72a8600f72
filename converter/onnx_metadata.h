// PoseNet metadata carried in ONNX model.metadata_props, read by the ONNX
// front end and written by the exporter, so a round trip keeps it.
#pragma once

#include <onnx/onnx_pb.h>

#include "converter/ir.h"

namespace vkpose::convert {

inline constexpr const char* kOnnxPreprocessingKey = "vkpose.preprocessing";  // "mobilenet" | "resnet"
inline constexpr const char* kOnnxOutputStrideKey = "vkpose.output_stride";   // decimal integer
inline constexpr const char* kOnnxArchitectureKey = "vkpose.architecture";
inline constexpr const char* kOnnxSourceKey = "vkpose.source";
inline constexpr const char* kOnnxMeanKey = "vkpose.mean";  // ResNet: "r,g,b" added per channel

// Absent keys keep Metadata's defaults (MobileNet, stride 16); a ResNet model
// without a mean gets PoseNet ResNet50's. Malformed values throw ConvertError
// naming the key and value.
Metadata readOnnxMetadata(const onnx::ModelProto& model);

void writeOnnxMetadata(const Metadata& metadata, onnx::ModelProto& model);

}  // namespace vkpose::convert
