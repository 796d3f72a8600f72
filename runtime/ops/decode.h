// Keypoint decoding on the GPU: the heatmaps' argmax plus the offsets become
// 17 keypoints in frame pixels and a pose score, in a buffer under 1 KB that
// is all the runtime reads back.
//
//   model y = cell_y * output_stride + offsets[k][cell]        (channels 0..16)
//   model x = cell_x * output_stride + offsets[17 + k][cell]   (channels 17..33)
//   frame   = model * mapping.scale + mapping.offset           (runtime/frame_mapping.h)
//   score   = sigmoid(heatmap logit at the cell), pose score = mean of the 17
//
// All in fp32 whatever the tensors' precision.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/pipeline.h"
#include "runtime/frame_mapping.h"
#include "runtime/keypoints.h"
#include "runtime/ops/argmax.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

// The decode output, byte for byte (std430, shaders/decode.comp's Out):
//   offset 16 * k : keypoint k's x, y (frame pixels), score, cell (4 bytes each)
//   offset 272    : pose score
// 276 bytes in all. `cell` is the argmax cell y * W + x of the heatmap.
struct KeypointGpu {
  float x, y;
  float score;
  uint32_t cell;
};
struct PoseGpu {
  KeypointGpu keypoints[kKeypointCount];
  float pose_score;
};
static_assert(sizeof(KeypointGpu) == 16);
static_assert(offsetof(PoseGpu, pose_score) == 16 * kKeypointCount);
static_assert(sizeof(PoseGpu) == 276 && sizeof(PoseGpu) <= 1024, "the readback must stay under 1 KB");

class DecodeOp {
 public:
  // Plan time: builds the argmax and decode pipelines and the argmax result
  // buffer. `output_stride` is the model's (input - 1) / (heatmap - 1).
  DecodeOp(Context& ctx, Precision precision, int output_stride, ArgmaxConfig argmax = {});

  static uint64_t outputBytes() { return sizeof(PoseGpu); }
  const ArgmaxOp& argmax() const { return argmax_; }

  // Records the argmax and the decode into `out` (a PoseGpu), with the
  // mapping in push constants: one recording per (frame size, input size).
  // A heatmap the argmax folds in one pass (every PoseNet size with the
  // default config) is folded by the decode dispatch itself; larger ones get
  // the argmax passes, a barrier and the decode. The caller records the
  // barrier that makes heatmap and offsets visible before, and the one that
  // makes `out` visible to its reader after. Recordings of one op must not
  // run at the same time (they share the argmax scratch and a counter).
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& heatmap, const TensorView& offsets,
              const FrameMapping& mapping, const Buffer& out);

 private:
  void validate(const TensorView& heatmap, const TensorView& offsets, const FrameMapping& mapping,
                const Buffer& out) const;

  Precision precision_;
  int output_stride_;
  ArgmaxOp argmax_;
  Buffer argmax_result_;
  Pipeline pipeline_;
  Pipeline fused_pipeline_;
  Buffer finished_count_;  // fused: workgroups done this frame, zero between frames
};

}  // namespace vkpose
