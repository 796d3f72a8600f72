// Dense 2D convolution (groups = 1) with bias and a fused activation: any
// kernel size, stride, dilation and explicit asymmetric padding. Depthwise
// convolution is a separate op.
//
// Weights arrive in ONNX OIHW order and are repacked once, at construction,
// or arrive already packed by the converter (DenseC4), the layout the kernel
// reads:
//   per (oc4, ic4, ky, kx) four vec4s; vec4 number i holds the weights of
//   input lane i (ic = ic4*4 + i) for output lanes 0..3 (oc = oc4*4 + lane),
// so one tap is acc += x.x*w0 + x.y*w1 + x.z*w2 + x.w*w3. Lanes past the
// real channel counts are zero. The oc4 count is rounded up to the kernel's
// output-block size (extra blocks are all zero) so no weight read needs a
// bounds check. Bias: one vec4 per oc4 (zeros when absent), padded the same.
// Both are stored in the op's precision.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/memory.h"
#include "engine/pipeline.h"
#include "runtime/model/model.h"
#include "runtime/model/window.h"
#include "runtime/ops/epilogue.h"
#include "runtime/ops/load_path.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

// The window and clip fields of a dense conv's push block, as
// shaders/common/conv_window_fields.glsl declares them for conv2d.comp and
// preprocess_conv.comp.
struct ConvWindowPush {
  int32_t kernel_w, kernel_h;
  int32_t stride_w, stride_h;
  int32_t dilation_w, dilation_h;
  int32_t pad_left, pad_top;
  float clip_min, clip_max;
};

struct Conv2dParams {
  ConvParams window;
  int in_channels = 0;
  int out_channels = 0;
  int groups = 1;  // only 1 is supported; depthwise has its own op
};

class Conv2dOp {
 public:
  // weights: OIHW (out_channels x in_channels x kernel_h x kernel_w); bias:
  // out_channels values or empty.
  Conv2dOp(Context& ctx, const Conv2dParams& params, const std::vector<float>& weights,
           const std::vector<float>& bias, Precision precision, Epilogue epilogue = {});
  // As stored in a model: weights OIHW or DenseC4, bias [c] or [c/4][4] or absent.
  Conv2dOp(Context& ctx, const Conv2dParams& params, const WeightData& weights, const WeightData& bias,
           Precision precision, Epilogue epilogue = {});

  // Throws when `in` has the wrong channel count or the window does not fit it.
  Shape outputShape(Shape in) const;
  // Allocates the descriptor set from `arena` (plan time) and records the dispatch.
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out);

  // The load path: the device's default (or VKPOSE_LOAD_PATH's) when the op was made.
  LoadPath loadPath() const { return loadPathOf(pipeline_.desc()); }

  // What a kernel that runs this layer inside the one before it
  // (preprocess_conv.comp) reads: the packed buffers, which hold
  // storedOutBlocks() output blocks (the real ones rounded up).
  const Conv2dParams& params() const { return params_; }
  const Epilogue& epilogue() const { return epilogue_; }
  Precision precision() const { return precision_; }
  const Buffer& weights() const { return weights_; }
  const Buffer& bias() const { return bias_; }
  uint32_t storedOutBlocks() const;
  ConvWindowPush windowPush() const;

 private:
  void checkTensors(const TensorView& in, const TensorView& out) const;

  Conv2dParams params_;
  Precision precision_;
  Epilogue epilogue_;
  Pipeline pipeline_;
  Buffer weights_;
  Buffer bias_;
};

}  // namespace vkpose
