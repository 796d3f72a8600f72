// Per-channel argmax over PoseNet's 17 heatmaps, on the GPU, so the heatmaps
// never leave it. A multi-pass max reduction: every pass reduces blocks of
// workgroup_size * items_per_invocation candidates to one (value, index) pair
// each, until one pair per channel is left.
//
// Order (shaders/argmax.comp): the higher value wins; equal values go to the
// lowest row-major index y * W + x, as in ONNX ArgMax and TF.js; NaN never
// wins against a number (a plane of NaNs only reports index 0 and NaN).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/pipeline.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

// Heatmap sides the op accepts: PoseNet's output stride 16 at input sizes 129..1025.
inline constexpr int kMinHeatmapSize = 9;
inline constexpr int kMaxHeatmapSize = 65;

// One channel's result, mirrored by shaders/argmax.comp's Candidate (std430).
struct ArgmaxResult {
  float value;     // the heatmap logit at the maximum
  uint32_t index;  // row-major cell y * W + x
};
static_assert(sizeof(ArgmaxResult) == 8);

// Zeros pick the defaults: the largest power of two up to 512 that the
// device allows, and enough items for one pass over the largest heatmap
// (measured on an H200: each extra pass costs about 3 us, see argmax.cpp).
// Tests choose small blocks to force several passes.
struct ArgmaxConfig {
  uint32_t workgroup_size = 0;        // a power of two
  uint32_t items_per_invocation = 0;  // 1..64
};

class ArgmaxOp {
 public:
  // Builds the pipelines and the two scratch buffers, sized for the largest
  // heatmap, so any heatmap size records without allocating.
  ArgmaxOp(Context& ctx, Precision precision, ArgmaxConfig config = {});
  ArgmaxOp(const ArgmaxOp&) = delete;
  ArgmaxOp& operator=(const ArgmaxOp&) = delete;

  static uint64_t resultBytes();  // one ArgmaxResult per keypoint
  uint32_t workgroupSize() const { return workgroup_size_; }
  uint32_t itemsPerInvocation() const { return items_; }
  uint32_t passCount(Shape heatmap) const;  // validates the shape

  // Records the passes; `result` receives kKeypointCount ArgmaxResults and is
  // written by the compute stage. The caller records a compute barrier before
  // (the heatmap's producer), which also orders this op's scratch buffers
  // against any earlier recording of it on the same queue.
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& heatmap, const Buffer& result);

 private:
  struct Pass {
    const Pipeline* pipeline;
    BufferBinding in, out;
    uint32_t count;   // candidates per channel read
    uint32_t blocks;  // pairs per channel written
  };
  std::vector<Pass> planPasses(const TensorView& heatmap, const Buffer& result) const;
  uint32_t blockSize() const { return workgroup_size_ * items_; }

  Precision precision_;
  uint32_t workgroup_size_;
  uint32_t items_;
  Pipeline plane_pipeline_;
  Pipeline merge_pipeline_;
  Buffer scratch_[2];
};

}  // namespace vkpose
