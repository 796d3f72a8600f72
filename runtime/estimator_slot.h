// One frame in flight of the Estimator (runtime/estimator.h): everything a
// frame touches on the GPU, so slots never share memory and need no
// synchronisation with each other.
//
// Three command buffers go into one queue submission:
//   frame_in : preprocess the frame (the staging buffer, or a host engine's
//              buffer or image) into the network input; one recording per
//              frame source (runtime/frame_input.h)
//   network  : the Executor's dispatches (recorded once per input size; the
//              Executor allocates descriptor sets on every record, so it is
//              never re-recorded for a mere frame-size change)
//   frame_out: argmax + decode straight into the host-visible readback
//              buffer; one recording per frame size
// Barriers at the start of a command buffer also order it after the one
// submitted before it, as pipeline barriers act in submission order.
#pragma once

#include <memory>
#include <optional>

#include "engine/context.h"
#include "engine/memory.h"
#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "engine/timestamps.h"
#include "runtime/estimator.h"
#include "runtime/executor.h"
#include "runtime/frame_input.h"
#include "runtime/ops/decode.h"
#include "runtime/ops/preprocess.h"
#include "runtime/parallel_copy.h"

namespace vkpose {

struct SlotConfig {
  Precision precision = Precision::FP32;
  ResizeMode resize = ResizeMode::Letterbox;
  RegionOfInterest roi;
  PixelNormalisation normalisation;
  int output_stride = 16;
  GpuTimingMode timing = GpuTimingMode::Off;
  std::chrono::microseconds fence_spin{0};  // waits poll the fence this long before sleeping
  ParallelCopy* copy = nullptr;             // copies host frames into staging (the Estimator's; required)
  bool first_conv_in_preprocess = false;    // where the model's first layer qualifies (Executor)
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
  // `ops_from`: another slot's executor at `input_size` whose weights and
  // pipelines this slot shares; null builds them.
  // Host frames go to `host_frame_queue` (one of ctx.frameQueue()); GPU
  // frames to ctx.queue(), in the order of the host's own submissions there.
  FrameSlot(Context& ctx, const Model& model, int input_size, const SlotConfig& config, VkQueue host_frame_queue,
            const Executor* ops_from = nullptr);
  ~FrameSlot();
  FrameSlot(const FrameSlot&) = delete;
  FrameSlot& operator=(const FrameSlot&) = delete;

  // Held from submit() until collect(); a held slot is never resubmitted.
  std::optional<Ticket> ticket() const { return ticket_; }

  // The frame must be valid (the Estimator checks it); the slot free.
  void submit(const Frame& frame, Ticket ticket);
  // In-place frames (Estimator::acquireFrame): the staging memory, grown to
  // hold `layout`, for the caller to write a frame into, with its recordings
  // made now so that a layout the device cannot read fails before the caller
  // decodes into it. The layout must be valid; the slot free.
  uint8_t* stagingFor(const FrameLayout& layout);
  // Submits the frame the caller wrote into stagingFor(layout): no copy.
  void submitStaged(const FrameLayout& layout, Ticket ticket);
  // A frame on the GPU, read in place; throws for a bad GpuFrame.
  void submit(const GpuFrame& frame, Ticket ticket);
  // A host frame the GPU reads from imported host memory (the buffer of a
  // HostImport), on the host-frame queue; no copy.
  void submitImported(const GpuFrame& frame, Ticket ticket);
  // Whether the GPU is done with this slot's frame (never blocks).
  bool finished() const;
  void waitUntilFinished() const;
  // Reads the pose of a finished frame and frees the slot.
  Pose collect();
  // The GPU time of the frame collect() returned last (timing on only).
  const std::optional<GpuTiming>& lastTiming() const { return last_timing_; }
  // A new Executor for another input size. The GPU must be done with the slot
  // (any pose still to collect is read out first and kept).
  void setInputSize(int input_size, const Executor* ops_from = nullptr);
  const Executor& executor() const { return *executor_; }
  uint64_t stagingBytes() const { return staging_ ? staging_.size() : 0; }
  uint64_t readbackBytes() const { return readback_.size(); }
  // Drops the recordings (and image views) that read this buffer or image;
  // waits for the GPU to finish this slot's frame first.
  void forgetFrameSource(uint64_t handle);

 private:
  void recordNetwork();
  void recordFrameOut(int width, int height);
  void ensureStaging(uint64_t bytes);
  FrameInputTarget target() const;
  // What of a host frame preprocessing reads, for `layout` at the sampling
  // grid frame_out_ was recorded with (cached for the last layout and grid).
  const std::vector<ByteRange>& sampledRanges(const FrameLayout& layout);
  void submitReadInPlace(const GpuFrame& frame, VkQueue queue, Ticket ticket);
  void submitRecordings(VkQueue queue, VkCommandBuffer frame_in, VkSemaphore wait, VkPipelineStageFlags wait_stage,
                        VkSemaphore signal, Ticket ticket);
  bool spinUntilFinished() const;
  void poisonReadback();
  Pose readPose() const;
  std::optional<GpuTiming> readTiming() const;
  void createTimestamps();
  uint32_t decodeMark() const;

  Context& ctx_;
  const Model& model_;
  SlotConfig config_;
  VkQueue host_frame_queue_;
  PreprocessOp preprocess_;
  DecodeOp decode_;
  std::unique_ptr<Executor> executor_;
  Buffer staging_;   // Upload: the frame's pixels, bound directly as the preprocessing input
  Buffer readback_;  // Readback: one PoseGpu, written by the decode
  FrameInputRecordings frame_in_;
  CommandRecorder network_, frame_out_;
  std::unique_ptr<DescriptorArena> frame_out_descriptors_;  // replaced with each frame_out_ recording
  std::optional<SamplingGrid> frame_out_grid_;              // the grid (and frame size) frame_out_ decodes with
  struct SampledRanges {
    FrameLayout layout;
    SamplingGrid grid;
    std::vector<ByteRange> ranges;
  };
  std::optional<SampledRanges> sampled_;  // the last sampledRanges()
  Fence fence_;
  bool submitted_ = false;  // the fence will signal (reset before the next submit)
  std::optional<Ticket> ticket_;
  std::optional<Pose> kept_;  // read out early by setInputSize
  std::optional<GpuTiming> kept_timing_, last_timing_;
  // Marks: 0 start, 1 after preprocessing, then one after the network (or
  // one per layer), then one after the decode.
  std::unique_ptr<TimestampQueries> timestamps_;
};

}  // namespace vkpose
