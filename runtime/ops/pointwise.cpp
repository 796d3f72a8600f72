#include "runtime/ops/pointwise.h"

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <optional>

#include <string>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/ops/kernel_weights.h"
#include "runtime/ops/load_path.h"

namespace vkpose {

namespace {

struct PointwisePush {
  uint32_t plane;
  uint32_t in_c4;
  uint32_t out_c4;
  uint32_t out_channels;
  uint32_t pixel_stride;
  float clip_min;
  float clip_max;
};
VKPOSE_PUSH_CONSTANTS(PointwisePush);

// Past 16 x 16 the accumulators spill everywhere and only the JIT time grows.
constexpr uint32_t kMaxTile = 16;
// Past 16 slices the serial reduction outweighs the shorter loops.
constexpr uint32_t kMaxKSplit = 16;
// Each unrolled step holds its inputs and weights in registers until used.
constexpr uint32_t kMaxKUnroll = 8;

std::string str(const PointwiseTiling& t) {
  return std::to_string(t.pixels) + " pixels x " + std::to_string(t.oc4_block) + " oc4 blocks, workgroup " +
         std::to_string(t.workgroup) + ", weight lanes " + std::to_string(t.weight_lanes) + ", K split " +
         std::to_string(t.k_split) + ", K unroll " + std::to_string(t.k_unroll);
}

void validateTiling(const Capabilities& caps, const PointwiseTiling& t) {
  auto fail = [&](const std::string& what) { throw Error("Pointwise: tiling (" + str(t) + "): " + what); };
  if (t.pixels < 1 || t.pixels > kMaxTile || t.oc4_block < 1 || t.oc4_block > kMaxTile)
    fail("pixels and oc4 blocks must be within 1.." + std::to_string(kMaxTile));
  if (t.workgroup < 1 || t.workgroup > caps.max_workgroup_size[0] || t.workgroup > caps.max_workgroup_invocations)
    fail("workgroup size exceeds the device limit");
  if (t.k_split < 1 || t.k_split > kMaxKSplit || t.k_split > caps.max_workgroup_size[1] ||
      uint64_t(t.workgroup) * t.k_split > caps.max_workgroup_invocations)
    fail("K split must be within 1.." + std::to_string(kMaxKSplit) +
         " and workgroup x K split within the device's invocation limit");
  if (t.k_split > 1 && t.weight_lanes != 1) fail("a K split needs weight lanes 1 (the shuffle is per subgroup)");
  if (t.k_unroll < 1 || t.k_unroll > kMaxKUnroll) fail("K unroll must be within 1.." + std::to_string(kMaxKUnroll));
  uint64_t shared_bytes = uint64_t(t.k_split - 1) * t.workgroup * t.oc4_block * t.pixels * 16;
  if (shared_bytes > caps.max_shared_memory_bytes)
    fail("its partial sums need " + std::to_string(shared_bytes) + " bytes of shared memory, the device has " +
         std::to_string(caps.max_shared_memory_bytes));
  if (t.weight_lanes != 1 && t.weight_lanes != caps.subgroup_size)
    fail("weight lanes must be 1 or the subgroup size " + std::to_string(caps.subgroup_size));
  if (t.workgroup % t.weight_lanes != 0) fail("workgroup must be a multiple of the weight lanes (whole subgroups)");
}

void validateConstants(const PointwiseParams& params, const WeightData& weights, const WeightData& bias) {
  requireWeightLayout(weights, WeightLayout::DenseC4, "Pointwise", "weights");
  requireWeightLayout(bias, WeightLayout::DenseC4, "Pointwise", "bias");
  size_t out = storedChannels(weights.layout, params.out_channels);
  size_t in = storedChannels(weights.layout, params.in_channels);
  std::string shape = "cin=" + std::to_string(in) + ",cout=" + std::to_string(out);
  if (weights.values.size() != out * in)
    throw Error("Pointwise: expected " + std::to_string(out * in) + " weights (" + weightLayoutName(weights.layout) +
                ", " + shape + "), got " + std::to_string(weights.values.size()));
  size_t bias_expected = storedChannels(bias.layout, params.out_channels);
  if (!bias.values.empty() && bias.values.size() != bias_expected)
    throw Error("Pointwise: expected " + std::to_string(bias_expected) + " bias values (" +
                weightLayoutName(bias.layout) + ") or none, got " + std::to_string(bias.values.size()));
}

// Returns `params` once everything the constructor was given checks out.
const PointwiseParams& validated(const Context& ctx, const PointwiseParams& params, const WeightData& weights,
                                 const WeightData& bias, Precision precision, const PointwiseTiling& tiling) {
  if (params.in_channels < 1 || params.out_channels < 1)
    throw Error("Pointwise: channel counts must be positive (cin=" + std::to_string(params.in_channels) +
                ",cout=" + std::to_string(params.out_channels) + ")");
  validateConstants(params, weights, bias);
  // The shader declares the shuffle capability even when weight_lanes is 1.
  if (!(ctx.caps().subgroup_ops & VK_SUBGROUP_FEATURE_SHUFFLE_BIT))
    throw Error("Pointwise: device " + ctx.caps().device_name + " lacks subgroup shuffle in compute shaders");
  validateTiling(ctx.caps(), tiling);
  if (tiling.tensor_cores) validateCoopMat(ctx.caps(), precision, *tiling.tensor_cores, params.in_channels);
  return params;
}

PipelineDesc pointwiseDesc(Context& ctx, Precision precision, Activation activation, PointwiseTiling tiling,
                           int in_channels) {
  requirePrecision(ctx, precision);
  if (tiling.tensor_cores) return coopMatPointwiseDesc(activation, *tiling.tensor_cores, in_channels);
  PipelineDesc desc{variantName("pointwise", activation, precision), 4, sizeof(PointwisePush),
                    {tiling.workgroup, tiling.k_split, 1},
                    {tiling.pixels, tiling.oc4_block, tiling.weight_lanes, tiling.k_split, tiling.k_unroll}};
  applyLoadPath(desc, defaultLoadPath(ctx.caps()), precision, {0, 2, 3});  // input, weights, bias
  return desc;
}

}  // namespace

namespace {

// How a GPU splits the input channels: the largest power of two up to
// max_split whose slices keep at least min_slice input vec4s each.
uint32_t kSplitFor(int in_channels, uint32_t max_split, uint32_t min_slice) {
  uint32_t in_c4 = divUp(uint32_t(std::max(in_channels, 1)), 4u);
  uint32_t split = 1;
  while (split * 2 <= max_split && divUp(in_c4, split * 2) >= min_slice) split *= 2;
  return split;
}

// Measured on an H100 over 22 rules (docs/performance.md): 2 pixels per
// invocation, 32 invocations along x, up to 8 slices of at least 8 input
// vec4s; PoseNet at 257 went from 0.355 to 0.211 ms, at 513 from 0.670 to 0.455.
struct GpuTilingRule {
  uint32_t pixels = 2, oc4_block = 1, workgroup = 32;
  uint32_t max_k_split = 8, min_slice = 8;
};

// VKPOSE_POINTWISE_TILING=pixels,oc4_block,workgroup[,max_k_split[,min_slice]]
// overrides the rule below on GPUs, for tuning runs (bench/,
// docs/performance.md). Malformed values are ignored.
GpuTilingRule gpuTilingRule() {
  GpuTilingRule rule;
  const char* env = std::getenv("VKPOSE_POINTWISE_TILING");
  if (!env) return rule;
  unsigned v[5] = {0, 0, 0, 1, 1};
  int n = std::sscanf(env, "%u,%u,%u,%u,%u", &v[0], &v[1], &v[2], &v[3], &v[4]);
  if (n < 3 || v[0] < 1 || v[0] > 16 || v[1] < 1 || v[1] > 16 || v[2] < 1 || v[2] > 1024 || v[3] < 1 ||
      v[3] > kMaxKSplit || v[4] < 1)
    return rule;
  return {v[0], v[1], v[2], v[3], v[4]};
}

// Measured on an H200 (docs/performance.md, step 12): issuing the loads of 4
// input steps together took fp16 PoseNet at 513 from 0.418 to 0.386 ms and
// at 257 from 0.218 to 0.207; fp32 moved within run-to-run noise (-1.5% at
// 257, +2% at 513), so it keeps the plain loop.
// VKPOSE_POINTWISE_UNROLL=n (1..8) overrides it, for tuning.
uint32_t gpuKUnroll(Precision precision) {
  const char* env = std::getenv("VKPOSE_POINTWISE_UNROLL");
  unsigned v = 0;
  if (env && std::sscanf(env, "%u", &v) == 1 && v >= 1 && v <= kMaxKUnroll) return v;
  return precision == Precision::FP32 ? 1 : 4;
}

PointwiseTiling gpuTiling(const Capabilities& caps, int in_channels, Precision precision, uint64_t plane,
                          int out_channels) {
  GpuTilingRule rule = gpuTilingRule();
  return {rule.pixels,
          rule.oc4_block,
          rule.workgroup,
          1,
          kSplitFor(in_channels, rule.max_k_split, rule.min_slice),
          gpuKUnroll(precision),
          defaultCoopMatTiling(caps, precision, in_channels, plane, out_channels)};
}

// The weights as the chosen kernel reads them.
std::vector<float> kernelWeights(const PointwiseParams& params, const WeightData& weights,
                                 const PointwiseTiling& tiling) {
  std::vector<float> dense = denseC4Weights(weights, params.out_channels, params.in_channels, 1, 1);
  if (!tiling.tensor_cores) return dense;
  return coopMatWeights(dense, params.out_channels, params.in_channels, *tiling.tensor_cores);
}

}  // namespace

PointwiseTiling defaultPointwiseTiling(const Capabilities& caps, Precision precision, int in_channels,
                                       uint64_t plane, int out_channels) {
  // GPUs: small blocks (one output vec4, two pixels). On an H200 one output
  // per invocation ran PoseNet at 257 in 0.38 ms GPU time against 1.0 ms for
  // the 4 x 4 register blocks tuned for lavapipe (docs/performance.md): GPUs
  // hide latency with more invocations, not with more work per invocation;
  // for the same reason the input channels of wide layers are split.
  if (caps.device_type != VK_PHYSICAL_DEVICE_TYPE_CPU)
    return gpuTiling(caps, in_channels, precision, plane, out_channels);
  uint32_t sg = caps.subgroup_size;
  // Measured on lavapipe, 384->384 @17x17: fp32 6 GFLOP/s per core, 2 s JIT;
  // fp16s 4.6 and 2 s; fp16a 1.5 and 3.6 s. With texel loads (step 13) fp32
  // 8 x 8 blocks ran PoseNet's pointwise layers in 40 ms against 44-51 for 8 x 16.
  switch (precision) {
    case Precision::FP32: return {8, 8, sg, sg};
    case Precision::FP16Storage: return {8, 8, sg, sg};
    case Precision::FP16Arith: return {4, 8, sg, sg};
  }
  return {};
}

PointwiseOp::PointwiseOp(Context& ctx, PointwiseParams params, const std::vector<float>& weights,
                         const std::vector<float>& bias, Precision precision, Epilogue epilogue)
    : PointwiseOp(ctx, params, WeightData{weights}, WeightData{bias}, precision, epilogue,
                  defaultPointwiseTiling(ctx.caps(), precision, params.in_channels)) {}

PointwiseOp::PointwiseOp(Context& ctx, PointwiseParams params, const std::vector<float>& weights,
                         const std::vector<float>& bias, Precision precision, Epilogue epilogue,
                         PointwiseTiling tiling)
    : PointwiseOp(ctx, params, WeightData{weights}, WeightData{bias}, precision, epilogue, tiling) {}

PointwiseOp::PointwiseOp(Context& ctx, PointwiseParams params, const WeightData& weights, const WeightData& bias,
                         Precision precision, Epilogue epilogue)
    : PointwiseOp(ctx, params, weights, bias, precision, epilogue,
                  defaultPointwiseTiling(ctx.caps(), precision, params.in_channels)) {}

PointwiseOp::PointwiseOp(Context& ctx, PointwiseParams params, const WeightData& weights, const WeightData& bias,
                         Precision precision, Epilogue epilogue, PointwiseTiling tiling)
    : params_(validated(ctx, params, weights, bias, precision, tiling)),
      precision_(precision),
      epilogue_(epilogue),
      tiling_(tiling),
      pipeline_(ctx, pointwiseDesc(ctx, precision, epilogue.activation, tiling, params.in_channels)),
      weights_(uploadConstants(ctx, kernelWeights(params, weights, tiling), precision)),
      bias_(uploadConstants(ctx, biasC4(bias, params.out_channels), precision)) {}

Shape PointwiseOp::outputShape(Shape in) const {
  if (in.c != params_.in_channels)
    throw Error("Pointwise: input " + in.str() + " has " + std::to_string(in.c) + " channels, the op expects " +
                std::to_string(params_.in_channels));
  return {params_.out_channels, in.h, in.w};
}

void PointwiseOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out) {
  Shape expected = outputShape(in.shape);
  if (!(out.shape == expected))
    throw Error("Pointwise: output shape " + out.shape.str() + " does not match the expected " + expected.str());
  for (const TensorView* t : {&in, &out})
    if (t->precision != precision_)
      throw Error(std::string("Pointwise: tensor precision ") + precisionSuffix(t->precision) +
                  " differs from the op's " + precisionSuffix(precision_));
  BufferBinding bindings[] = {bind(in), bind(out), bind(weights_), bind(bias_)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  if (tiling_.tensor_cores) {
    rec.dispatch(pipeline_, set, coopMatPush(in.shape, expected, *tiling_.tensor_cores, epilogue_),
                 coopMatGroups(expected, *tiling_.tensor_cores));
    return;
  }
  uint32_t plane = uint32_t(in.shape.h) * uint32_t(in.shape.w);
  uint32_t pixel_stride = divUp(plane, tiling_.pixels);
  PointwisePush push{plane,        uint32_t(in.shape.c4()), uint32_t(expected.c4()), uint32_t(expected.c),
                     pixel_stride, epilogue_.clip_min,      epilogue_.clip_max};
  rec.dispatch(pipeline_, set, push,
               {divUp(pixel_stride, tiling_.workgroup), divUp(uint64_t(expected.c4()), tiling_.oc4_block), 1});
}

}  // namespace vkpose
