// Max and average pooling over a window with stride and explicit, possibly
// asymmetric padding (no dilation). One invocation computes one output vec4,
// i.e. four channels at one (y, x). No weights, no activation.
#pragma once

#include "engine/pipeline.h"
#include "runtime/model/window.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

enum class PoolMode { Max, Average };

struct PoolParams {
  PoolMode mode = PoolMode::Max;
  ConvParams window;  // dilation must be 1; padding must be smaller than the kernel
  // Average only. false (TF SAME, ONNX default): divide by the cells inside the
  // input. true: divide by the full kernel area, padded cells counting as 0.
  bool count_include_pad = false;

  std::string str() const;  // "max(k=3x3,s=2x2,d=1x1,pad=1,1,1,1)", "avg_incl_pad(...)"
};

class PoolOp {
 public:
  PoolOp(Context& ctx, const PoolParams& params, Precision precision);

  Shape outputShape(Shape in) const;
  // Allocates the descriptor set from `arena` (plan time) and records the dispatch.
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out);

 private:
  PoolParams params_;
  Precision precision_;
  Pipeline pipeline_;
};

}  // namespace vkpose
