// A depthwise 3x3 layer and the pointwise 1x1 layer that reads it, fused into
// one dispatch (shaders/dwpw.comp): MobileNet's 13 depthwise/pointwise pairs.
// On GPUs each barrier-separated dispatch costs a few µs even when idle, and
// the depthwise layers are mostly that cost; fused, the depthwise result also
// never goes to memory. The Executor uses it when asked (executor.h): on an
// H200 it ran slower than the separate kernels (docs/performance.md).
//
// The depthwise window must be 3x3, dilation 1, equal strides of 1 or 2, any
// padding (fitsDepthwise3x3). Weights and biases come as the separate ops
// take them (depthwise.h, pointwise.h: OIHW or the converter's DepthwiseC4 /
// DenseC4); on the device each layer's weights and bias share one buffer,
// the bias after the weights, so the kernel binds four buffers (Vulkan's
// guaranteed minimum per stage).
#pragma once

#include <cstdint>

#include "engine/capabilities.h"
#include "engine/memory.h"
#include "engine/pipeline.h"
#include "runtime/model/model.h"
#include "runtime/ops/depthwise.h"
#include "runtime/ops/epilogue.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

struct DwPointwiseLayers {
  DepthwiseParams depthwise;  // its channels are the pointwise input channels
  WeightData dw_weights, dw_bias;
  Epilogue dw_epilogue;
  int out_channels = 0;
  WeightData pw_weights, pw_bias;
  Epilogue pw_epilogue;
};

// How the work is cut up. An invocation computes one output pixel x
// `oc4_block` output vec4s over 1/k_split of the input vec4s; a workgroup is
// `pixels` x `k_split` invocations (local x: pixels, local y: K slices).
// Larger oc4_block repeats the depthwise work fewer times but leaves fewer
// invocations; k_split adds invocations at the cost of one in-workgroup
// barrier and a shared-memory reduction.
struct DwPointwiseTiling {
  uint32_t oc4_block = 8;
  uint32_t k_split = 4;
  uint32_t pixels = 32;
};

// {8, 4, 32} on every device: the best of 15 tilings on an H200 over PoseNet
// at 257 and 513 (docs/performance.md). On GPUs
// VKPOSE_DWPW_TILING=oc4_block,k_split,pixels overrides it for tuning;
// malformed values are ignored.
DwPointwiseTiling defaultDwPointwiseTiling(const Capabilities& caps);

class DwPointwiseOp {
 public:
  DwPointwiseOp(Context& ctx, const DwPointwiseLayers& layers, Precision precision);
  // With an explicit tiling instead of defaultDwPointwiseTiling (tuning, tests).
  DwPointwiseOp(Context& ctx, const DwPointwiseLayers& layers, Precision precision, DwPointwiseTiling tiling);

  Shape outputShape(Shape in) const;
  // Allocates the descriptor set from `arena` (plan time) and records the dispatch.
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out);

 private:
  DepthwiseParams depthwise_;
  int out_channels_;
  Epilogue dw_epilogue_, pw_epilogue_;
  Precision precision_;
  DwPointwiseTiling tiling_;
  Pipeline pipeline_;
  Buffer dw_constants_;  // weights, then bias
  Buffer pw_constants_;  // weights, then bias
};

}  // namespace vkpose
