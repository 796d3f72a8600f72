// Depthwise convolution (groups == in channels == out channels, channel
// multiplier 1) with bias and a fused activation: MobileNet's 3x3 layers.
//
// Two kernels: a fast path for 3x3, dilation 1, equal strides of 1 or 2 (every
// PoseNet depthwise layer, any padding), where each invocation keeps the nine
// weights of its channel block in registers and computes a short row of
// adjacent output pixels that share input columns; and a generic path for any
// kernel, stride, dilation and asymmetric padding, one output pixel each.
//
// Weights are given in ONNX OIHW order with I = 1, i.e. [c][1][kh][kw], or as
// the converter stores them, already packed (DepthwiseC4). On the GPU they
// are one vec4 per (c4, ky, kx), lane i holding channel 4*c4 + i, at vec4
// index (c4 * kh + ky) * kw + kx; padded lanes are zero. Bias is one vec4 per
// c4 (zeros when absent). Both are stored in the op's precision.
#pragma once

#include <string>
#include <vector>

#include "engine/capabilities.h"
#include "engine/memory.h"
#include "engine/pipeline.h"
#include "runtime/model/model.h"
#include "runtime/model/window.h"
#include "runtime/ops/epilogue.h"
#include "runtime/ops/load_path.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

struct DepthwiseParams {
  int channels = 0;
  int channel_multiplier = 1;  // out channels per input channel; only 1 is supported
  ConvParams window;

  std::string str() const;  // "c=24,k=3x3,s=1x1,d=1x1,pad=1,1,1,1"
};

// The fast path's window: 3x3, dilation 1, equal strides of 1 or 2, any padding.
bool fitsDepthwise3x3(const ConvParams& window);

// Output pixels of a row each fast-path invocation computes on this device,
// for stride 1 or 2: 8 and 4 on CPU devices, 1 on GPUs (both measured,
// docs/performance.md). VKPOSE_DW_TILE=s1_width,s2_width (1..16) overrides
// it on GPUs, for tuning runs; malformed values are ignored.
int depthwiseTileWidth(const Capabilities& caps, int stride);

// Throws vkpose::Error naming what DepthwiseOp's constructor would refuse in
// these arguments (also checked by the fused depthwise + pointwise op).
void validateDepthwise(const DepthwiseParams& params, const Epilogue& epilogue, const WeightData& weights,
                       const WeightData& bias);

class DepthwiseOp {
 public:
  DepthwiseOp(Context& ctx, const DepthwiseParams& params, const std::vector<float>& weights,
              const std::vector<float>& bias, Precision precision, Epilogue epilogue = {});
  // As stored in a model: weights OIHW or DepthwiseC4, bias [c] or [c/4][4] or absent.
  DepthwiseOp(Context& ctx, const DepthwiseParams& params, const WeightData& weights, const WeightData& bias,
              Precision precision, Epilogue epilogue = {});

  Shape outputShape(Shape in) const;
  // Allocates the descriptor set from `arena` (plan time) and records the dispatch.
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out);

  bool usesFast3x3() const { return fast3x3_; }
  // Storage on the generic kernel, else as the device's default load path (or
  // VKPOSE_LOAD_PATH) was when the op was made.
  LoadPath loadPath() const { return loadPathOf(pipeline_.desc()); }

 private:
  DepthwiseParams params_;
  Precision precision_;
  Epilogue epilogue_;
  bool fast3x3_;
  Pipeline pipeline_;
  Buffer weights_;
  Buffer bias_;
};

}  // namespace vkpose
