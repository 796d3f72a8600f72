#include "runtime/ops/argmax.h"

#include <algorithm>
#include <bit>
#include <string>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/keypoints.h"
#include "runtime/ops/epilogue.h"

namespace vkpose {

namespace {

struct ArgmaxPush {
  uint32_t count;
};
VKPOSE_PUSH_CONSTANTS(ArgmaxPush);

// Single-pass defaults, timed on an H200 (argmax + decode, 65x65): 512 x 9
// and 1024 x 5 take 10 us, 256 x 4 (two passes) 12 us, 8 x 1 (five) 25 us.
// Smaller heatmaps take 8-9 us with any single-pass shape.
constexpr uint32_t kDefaultWorkgroupLimit = 512;
constexpr uint32_t kMaxItemsPerInvocation = 64;
constexpr uint32_t kMaxPlane = kMaxHeatmapSize * kMaxHeatmapSize;

std::string text(uint32_t n) { return std::to_string(n); }

uint32_t chooseWorkgroupSize(const Context& ctx, const ArgmaxConfig& config) {
  const Capabilities& caps = ctx.caps();
  // Each invocation keeps one (value, index) pair in shared memory.
  uint32_t limit = std::min({caps.max_workgroup_invocations, caps.max_workgroup_size[0],
                             caps.max_shared_memory_bytes / uint32_t(sizeof(ArgmaxResult))});
  if (config.workgroup_size == 0) return std::bit_floor(std::min(limit, kDefaultWorkgroupLimit));
  if (!std::has_single_bit(config.workgroup_size) || config.workgroup_size > limit)
    throw Error("Argmax: workgroup size " + text(config.workgroup_size) +
                " must be a power of two no larger than the device's " + text(limit));
  return config.workgroup_size;
}

uint32_t chooseItems(const ArgmaxConfig& config, uint32_t workgroup_size) {
  if (config.items_per_invocation == 0) return std::min(divUp(kMaxPlane, workgroup_size), kMaxItemsPerInvocation);
  uint32_t items = config.items_per_invocation;
  if (items > kMaxItemsPerInvocation)
    throw Error("Argmax: items per invocation " + text(items) + " must be in 1.." + text(kMaxItemsPerInvocation));
  // A block of one candidate would never shrink the count.
  if (workgroup_size * items < 2) throw Error("Argmax: a block must hold at least 2 candidates");
  return items;
}

// fp16 values compare exactly in fp32, so fp16 arithmetic gains nothing:
// both fp16 precisions read through the fp16-storage variant.
PipelineDesc planeDesc(Context& ctx, Precision precision, uint32_t workgroup_size, uint32_t items) {
  requirePrecision(ctx, precision);
  std::string shader = std::string("argmax_plane_") + (precision == Precision::FP32 ? "fp32" : "fp16s");
  return {shader, 2, sizeof(ArgmaxPush), {workgroup_size, 1, 1}, {items}};
}

PipelineDesc mergeDesc(uint32_t workgroup_size, uint32_t items) {
  return {"argmax_merge_fp32", 2, sizeof(ArgmaxPush), {workgroup_size, 1, 1}, {items}};
}

// Candidates per channel that each pass leaves, down to the final 1.
std::vector<uint32_t> passOutputs(uint32_t plane, uint32_t block) {
  std::vector<uint32_t> counts;
  uint32_t n = plane;
  do {
    n = divUp(n, block);
    counts.push_back(n);
  } while (n > 1);
  return counts;
}

uint32_t validatedPlane(Shape heatmap) {
  if (heatmap.c != kKeypointCount)
    throw Error("Argmax: heatmap has " + std::to_string(heatmap.c) + " channels, expected " +
                std::to_string(kKeypointCount) + " (one per keypoint)");
  auto in_range = [](int n) { return n >= kMinHeatmapSize && n <= kMaxHeatmapSize; };
  if (!in_range(heatmap.h) || !in_range(heatmap.w))
    throw Error("Argmax: heatmap size " + std::to_string(heatmap.h) + "x" + std::to_string(heatmap.w) + " is outside " +
                std::to_string(kMinHeatmapSize) + ".." + std::to_string(kMaxHeatmapSize) + " per side");
  return uint32_t(heatmap.h * heatmap.w);
}

}  // namespace

ArgmaxOp::ArgmaxOp(Context& ctx, Precision precision, ArgmaxConfig config)
    : precision_(precision),
      workgroup_size_(chooseWorkgroupSize(ctx, config)),
      items_(chooseItems(config, workgroup_size_)),
      plane_pipeline_(ctx, planeDesc(ctx, precision, workgroup_size_, items_)),
      merge_pipeline_(ctx, mergeDesc(workgroup_size_, items_)) {
  // Every pass but the last writes scratch_[pass % 2]; counts only shrink
  // with the plane, so the largest heatmap sizes both buffers.
  std::vector<uint32_t> counts = passOutputs(kMaxPlane, blockSize());
  uint32_t pairs[2] = {0, 0};
  for (size_t pass = 0; pass + 1 < counts.size(); ++pass) pairs[pass % 2] = std::max(pairs[pass % 2], counts[pass]);
  for (int i = 0; i < 2; ++i)
    if (pairs[i] > 0)
      scratch_[i] = ctx.allocator().createBuffer(uint64_t(pairs[i]) * kKeypointCount * sizeof(ArgmaxResult),
                                                 MemoryUsage::DeviceLocal);
}

uint64_t ArgmaxOp::resultBytes() { return kKeypointCount * sizeof(ArgmaxResult); }

uint32_t ArgmaxOp::passCount(Shape heatmap) const {
  return uint32_t(passOutputs(validatedPlane(heatmap), blockSize()).size());
}

std::vector<ArgmaxOp::Pass> ArgmaxOp::planPasses(const TensorView& heatmap, const Buffer& result) const {
  uint32_t plane = validatedPlane(heatmap.shape);
  std::vector<uint32_t> counts = passOutputs(plane, blockSize());
  std::vector<Pass> passes;
  BufferBinding in = bind(heatmap);
  uint32_t count = plane;
  for (size_t i = 0; i < counts.size(); ++i) {
    BufferBinding out = bind(i + 1 == counts.size() ? result : scratch_[i % 2]);
    passes.push_back({i == 0 ? &plane_pipeline_ : &merge_pipeline_, in, out, count, counts[i]});
    in = out;
    count = counts[i];
  }
  return passes;
}

void ArgmaxOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& heatmap, const Buffer& result) {
  if (heatmap.precision != precision_)
    throw Error(std::string("Argmax: heatmap precision ") + precisionSuffix(heatmap.precision) +
                " differs from the op's " + precisionSuffix(precision_));
  if (!result || result.size() < resultBytes())
    throw Error("Argmax: result buffer holds " + std::to_string(result.size()) + " bytes, needs " +
                std::to_string(resultBytes()));
  std::vector<Pass> passes = planPasses(heatmap, result);
  for (size_t i = 0; i < passes.size(); ++i) {
    const Pass& pass = passes[i];
    if (i > 0)
      rec.barrier(Stage::Compute, Stage::Compute,
                  "argmax pass " + std::to_string(i) + "'s pairs are pass " + std::to_string(i + 1) + "'s input");
    BufferBinding bindings[] = {pass.in, pass.out};
    VkDescriptorSet set = arena.allocate(*pass.pipeline, bindings);
    rec.dispatch(*pass.pipeline, set, ArgmaxPush{pass.count}, {pass.blocks, uint32_t(kKeypointCount), 1});
  }
}

}  // namespace vkpose
