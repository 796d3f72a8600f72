// Builds .vkpose models for the loader's tests without the converter: small
// graphs assembled in code, serialised straight into flatbuffers bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/model/model.h"

namespace vkpose::test {

struct SerializeOptions {
  uint32_t version = kModelSchemaVersion;
  // Added to the count field of every weights table (not bias), so that the
  // count and the bytes stored disagree.
  uint32_t weight_count_skew = 0;
};

// Writes `model` as stored: values in their layouts, fp16 where marked. Values
// marked fp16 must be exactly representable in fp16 (throws otherwise), so a
// round trip compares equal.
std::vector<uint8_t> serializeModel(const Model& model, const SerializeOptions& options = {});

// An input tensor "image" (3 channels), MobileNet preprocessing, output stride
// 16, no nodes, no outputs, no keypoints.
Model emptyModel();

WindowSpec sameWindow(int kernel, int stride, PaddingMode mode = PaddingMode::SameUpper);

// Each adds one node and its output tensor (named after the node) and returns
// that tensor's index. Weights are OIHW fp32 with deterministic values that
// are exact in fp16; convs get a bias.
int addConv(Model& model, const std::string& name, int input, int out_channels, const WindowSpec& window,
            Epilogue epilogue = {});
int addDepthwise(Model& model, const std::string& name, int input, const WindowSpec& window, Epilogue epilogue = {});
int addPool(Model& model, NodeKind kind, const std::string& name, int input, const WindowSpec& window);
int addAdd(Model& model, const std::string& name, int a, int b, Epilogue epilogue = {});

// Re-lays out a conv's OIHW weights and bias into its kernel's C4 layout.
void packForKernels(ModelNode& node);
// Marks every weight and bias of the model as stored in fp16.
void storeAsFp16(Model& model);

// A miniature PoseNet: four stride-2 SAME convs (output stride 16), mixed
// weight layouts, ReLU/ReLU6 epilogues, the four PoseNet heads and the real
// keypoint table. 257 -> 17x17 outputs, 385 -> 25x25.
Model toyPoseNet();

}  // namespace vkpose::test
