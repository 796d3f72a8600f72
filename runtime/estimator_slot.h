// One frame in flight of the Estimator (runtime/estimator.h): everything a
// frame touches on the GPU, so slots never share memory and need no
// synchronisation with each other.
//
// Three command buffers go into one queue submission:
//   frame_in : preprocess the staging buffer into the network input
//   network  : the Executor's dispatches (recorded once per input size; the
//              Executor allocates descriptor sets on every record, so it is
//              never re-recorded for a mere frame-size change)
//   frame_out: argmax + decode straight into the host-visible readback buffer
// Barriers at the start of a command buffer also order it after the one
// submitted before it, as pipeline barriers act in submission order.
#pragma once

#include <memory>
#include <optional>

#include "engine/context.h"
#include "engine/memory.h"
#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "runtime/estimator.h"
#include "runtime/executor.h"
#include "runtime/ops/decode.h"
#include "runtime/ops/preprocess.h"

namespace vkpose {

struct SlotConfig {
  Precision precision = Precision::FP32;
  ResizeMode resize = ResizeMode::Letterbox;
  RegionOfInterest roi;
  PixelNormalisation normalisation;
  int output_stride = 16;
};

// An unsignalled VkFence, destroyed with its owner.
class Fence {
 public:
  explicit Fence(VkDevice device);
  ~Fence();
  Fence(const Fence&) = delete;
  Fence& operator=(const Fence&) = delete;
  VkFence handle() const { return fence_; }

 private:
  VkDevice device_;
  VkFence fence_ = VK_NULL_HANDLE;
};

class FrameSlot {
 public:
  FrameSlot(Context& ctx, const Model& model, int input_size, const SlotConfig& config);
  ~FrameSlot();
  FrameSlot(const FrameSlot&) = delete;
  FrameSlot& operator=(const FrameSlot&) = delete;

  // Held from submit() until collect(); a held slot is never resubmitted.
  std::optional<Ticket> ticket() const { return ticket_; }

  // The frame must be valid (the Estimator checks it); the slot free.
  void submit(const Frame& frame, Ticket ticket);
  // Whether the GPU is done with this slot's frame (never blocks).
  bool finished() const;
  void waitUntilFinished() const;
  // Reads the pose of a finished frame and frees the slot.
  Pose collect();
  // A new Executor for another input size. The GPU must be done with the slot
  // (any pose still to collect is read out first and kept).
  void setInputSize(int input_size);

 private:
  void recordNetwork();
  void recordFrame(const FrameLayout& layout);
  void ensureStaging(uint64_t bytes);
  Pose readPose() const;

  Context& ctx_;
  const Model& model_;
  SlotConfig config_;
  PreprocessOp preprocess_;
  DecodeOp decode_;
  std::unique_ptr<Executor> executor_;
  Buffer staging_;   // Upload: the frame's pixels, bound directly as the preprocessing input
  Buffer readback_;  // Readback: one PoseGpu, written by the decode
  CommandRecorder frame_in_, network_, frame_out_;
  std::unique_ptr<DescriptorArena> frame_descriptors_;  // replaced with each frame recording
  std::optional<FrameLayout> recorded_layout_;          // what frame_in_ and frame_out_ hold
  Fence fence_;
  bool submitted_ = false;      // the fence will signal (reset before the next submit)
  std::optional<Ticket> ticket_;
  std::optional<Pose> kept_;    // read out early by setInputSize
};

}  // namespace vkpose
