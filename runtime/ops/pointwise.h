// Pointwise convolution (1x1 window, stride 1, no padding) with bias and a
// fused activation: y = act(W x + b). Most of MobileNet's arithmetic is here.
//
// Weights come as OIHW or, from the converter, already packed (DenseC4).
// Weight layout on the device (the dense-conv layout with a 1x1 window): for
// each (oc4, ic4) in that order, four vec4s; vec4 i holds the weights of
// input lane i for output lanes 0..3, so a kernel computes
// acc += x.x*w0 + x.y*w1 + x.z*w2 + x.w*w3. Padding lanes are zero. Bias is
// one vec4 per oc4 (zeros when the model has none).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/capabilities.h"
#include "engine/memory.h"
#include "engine/pipeline.h"
#include "runtime/model/model.h"
#include "runtime/ops/epilogue.h"
#include "runtime/ops/load_path.h"
#include "runtime/ops/pointwise_coopmat.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

struct PointwiseParams {
  int in_channels = 0;
  int out_channels = 0;
};

// How the work is cut up (shader spec constants 0, 1 and 3-6). An invocation
// computes `pixels` pixels x `oc4_block` output vec4s; a workgroup is
// `workgroup` invocations along the pixels, all on the same output blocks,
// times `k_split` along y, each summing one slice of the input channels
// (partial sums meet in shared memory). `weight_lanes` is 1 (each invocation
// loads its weights) or the subgroup size (the subgroup splits the loads and
// shuffles them round; workgroup must then be a multiple of it, and k_split 1).
struct PointwiseTiling {
  uint32_t pixels = 4;
  uint32_t oc4_block = 4;
  uint32_t workgroup = 64;
  uint32_t weight_lanes = 1;
  uint32_t k_split = 1;
  uint32_t k_unroll = 1;  // input vec4 steps whose loads are issued before their multiply-adds
  // Set: the tensor-core kernel (pointwise_coopmat.h) runs instead, and the
  // fields above play no part.
  std::optional<CoopMatTiling> tensor_cores;
};

// CPU devices (lavapipe): one subgroup per workgroup with shared weight
// loads, inputs read through texel buffers (load_path.h), and blocks of
// 8 pixels x 8 output vec4s in fp32: with storage-buffer loads bigger blocks
// ran faster but compiled slower (16x16 took 6 s per variant); with texel
// loads 8x8 beat 8x16 (docs/performance.md, step 13). llvmpipe emulates fp16
// arithmetic, which triples the compile time. Other devices: one output vec4 x two
// pixels per invocation, weights loaded directly, the input channels split
// across invocations when there are enough of them (measured on an H100),
// and in fp16 the loads of 4 input steps issued together (on an H200), or
// for large planes the tensor-core kernel (pointwise_coopmat.h), when the
// caller knows the plane (`plane` pixels; 0 = not known) and the layer is
// not too narrow (`out_channels`; 0 = not known).
// VKPOSE_POINTWISE_TILING=pixels,oc4_block,workgroup[,max_k_split[,min_slice]]
// overrides it for tuning.
PointwiseTiling defaultPointwiseTiling(const Capabilities& caps, Precision precision, int in_channels,
                                       uint64_t plane = 0, int out_channels = 0);

class PointwiseOp {
 public:
  // `weights` are OIHW (ONNX order) with H = W = 1; `bias` is empty or one per output channel.
  PointwiseOp(Context& ctx, PointwiseParams params, const std::vector<float>& weights, const std::vector<float>& bias,
              Precision precision, Epilogue epilogue = {});
  // As above with an explicit tiling instead of defaultPointwiseTiling (tuning, tests).
  PointwiseOp(Context& ctx, PointwiseParams params, const std::vector<float>& weights, const std::vector<float>& bias,
              Precision precision, Epilogue epilogue, PointwiseTiling tiling);
  // As stored in a model: weights OIHW or DenseC4 (1x1), bias [c] or [c/4][4] or absent.
  PointwiseOp(Context& ctx, PointwiseParams params, const WeightData& weights, const WeightData& bias,
              Precision precision, Epilogue epilogue = {});
  // As stored in a model, with an explicit tiling.
  PointwiseOp(Context& ctx, PointwiseParams params, const WeightData& weights, const WeightData& bias,
              Precision precision, Epilogue epilogue, PointwiseTiling tiling);

  Shape outputShape(Shape in) const;
  // Allocates the descriptor set from `arena` (plan time) and records the dispatch.
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out);

  // The load path: the device's default (or VKPOSE_LOAD_PATH's) when the op was made.
  LoadPath loadPath() const { return loadPathOf(pipeline_.desc()); }

 private:
  PointwiseParams params_;
  Precision precision_;
  Epilogue epilogue_;
  PointwiseTiling tiling_;
  Pipeline pipeline_;
  Buffer weights_;
  Buffer bias_;
};

}  // namespace vkpose
