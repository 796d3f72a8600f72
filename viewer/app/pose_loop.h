// The frame's way through the GPU: each decoded frame is written once into a
// host-visible buffer; the estimator reads that buffer in place
// (GpuFrame::fromBuffer) and the renderer copies the same buffer into the
// display texture. Only the pose (17 keypoints) comes back to the host.
//
// Sync mode estimates the current frame and waits, so the skeleton drawn is
// that frame's. Background mode keeps up to frames_in_flight frames in the
// estimator, never waits, and draws the newest pose that has finished: the
// skeleton then lags the video by a frame or two (lagFrames()).
//
// A buffer is reused only when no estimate still reads it and every draw
// that copied it has finished, which the ring tracks with tickets and draw
// numbers instead of extra fences.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "engine/memory.h"
#include "runtime/estimator.h"
#include "viewer/media/frame.h"

namespace vkpose::view {

class GpuDevice;

struct PoseResult {
  Pose pose;
  int64_t frame_index = 0;  // which frame it belongs to
  int width = 0, height = 0;
  double latency_ms = 0;    // host time from decode (or re-submission of a held frame) to the pose
  uint64_t sequence = 0;    // counts poses collected, so callers see a new one
};

class PoseLoop {
 public:
  // `options.external_device` is filled in from `device`.
  PoseLoop(GpuDevice& device, EstimatorOptions options);
  ~PoseLoop();  // collects every frame still in flight first
  PoseLoop(const PoseLoop&) = delete;
  PoseLoop& operator=(const PoseLoop&) = delete;

  // Writes the frame into a free buffer; it becomes the current frame.
  // `completed_draw` is the highest draw number known to have finished.
  void setFrame(const RgbaFrame& frame, uint64_t completed_draw);
  bool hasFrame() const { return current_ != kNone; }
  VkBuffer currentBuffer() const;
  uint64_t currentUpload() const;  // changes with every setFrame
  int currentWidth() const;
  int currentHeight() const;
  int64_t currentIndex() const;
  // Draw number `serial` copies the current buffer (it must not be reused before that draw finishes).
  void noteDraw(uint64_t serial);

  void estimateNow();           // sync: submit the current frame and wait for its pose
  void estimateInBackground();  // collect finished poses; submit the current frame if a slot is free
  void collectAll();            // waits for every frame in flight (mode and size changes, exit)

  const std::optional<PoseResult>& latest() const { return latest_; }
  int64_t lagFrames() const;  // current frame index - latest pose's frame index
  size_t inFlight() const { return pending_.size(); }

  void setInputSize(int size);  // frames in flight finish first (Estimator::setInputSize)
  int inputSize() const { return estimator_->inputSize(); }
  int outputStride() const;

 private:
  static constexpr size_t kNone = SIZE_MAX;
  using Clock = std::chrono::steady_clock;

  struct Upload {
    Buffer buffer;
    uint64_t id = 0;           // setFrame counter
    int width = 0, height = 0;
    int64_t frame_index = 0;
    Clock::time_point decoded_at;
    bool estimated = false;    // submitted at least once: re-submissions time from their own start
    int estimates = 0;         // tickets still reading it
    uint64_t last_draw = 0;    // the last draw that copies it
  };
  struct Pending {
    Ticket ticket;
    size_t upload;
    int64_t frame_index;
    int width, height;
    Clock::time_point start;
  };

  size_t freeUpload(uint64_t completed_draw, uint64_t bytes);
  GpuFrame gpuFrame(const Upload& u) const;
  std::optional<Ticket> submitCurrent();
  void finish(const Pending& p, const Pose& pose);

  GpuDevice& device_;
  std::vector<Upload> uploads_;            // declared first: outlive the estimator that reads them
  std::unique_ptr<Estimator> estimator_;
  size_t current_ = kNone;
  uint64_t next_upload_id_ = 1;
  std::deque<Pending> pending_;
  std::optional<PoseResult> latest_;
};

}  // namespace vkpose::view
