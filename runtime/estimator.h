// The public C++ entry point: image in, 17 keypoints out, everything between
// on the GPU. Only the keypoints (under 1 KB) are read back.
//
//   vkpose::Estimator est({.model_path = "posenet.vkpose"});
//   vkpose::Pose pose = est.estimate(vkpose::Frame::packed(pixels, w, h, vkpose::PixelFormat::RGBA8));
//
// Asynchronous use keeps several frames in flight (default 2): submit()
// returns a ticket at once, poll() returns the pose if that frame is done,
// wait() blocks until it is. A frame slot stays held until its pose has been
// collected by poll() or wait(), so with N frames in flight a caller that
// submits every frame and collects the oldest gets each pose N-1 frames after
// submitting it (docs/runtime.md).
//
// Each slot owns its staging buffer, readback buffer, fence, its own Executor
// and decode scratch, and three command buffers (preprocess, network, decode)
// submitted together. The network is recorded once per input size; the other
// two once per frame layout. Replaying a frame allocates and updates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/context.h"
#include "runtime/frame_mapping.h"
#include "runtime/keypoints.h"
#include "runtime/model/model.h"
#include "runtime/ops/preprocess.h"
#include "runtime/tensor.h"

namespace vkpose {

struct Keypoint {
  float x = 0, y = 0;  // frame pixels
  float score = 0;     // sigmoid of the heatmap logit
};

struct Pose {
  std::array<Keypoint, kKeypointCount> keypoints{};
  float score = 0;  // mean of the keypoint scores
};

// A frame in host memory. Pixels are copied into a persistent staging buffer
// during submit(); the caller may reuse its memory as soon as submit returns.
struct Frame {
  const void* pixels = nullptr;
  FrameLayout layout;

  static Frame packed(const void* pixels, int width, int height, PixelFormat format) {
    return {pixels, FrameLayout::packed(width, height, format)};
  }
};

inline constexpr int kEstimatorMinInputSize = 129;
inline constexpr int kEstimatorMaxInputSize = 1025;
inline constexpr int kMaxFramesInFlight = 8;
// Larger frames are refused rather than downscaled: a 16384 x 16384 RGBA8
// frame is already a 1 GiB staging buffer.
inline constexpr int kEstimatorMaxFrameSide = 16384;

struct EstimatorOptions {
  std::string model_path;                  // a .vkpose file (required)
  int input_size = 257;                    // (size - 1) % output_stride == 0, 129..1025
  Precision precision = Precision::FP32;   // FP16Storage / FP16Arith where the device has them
  ResizeMode resize = ResizeMode::Letterbox;
  RegionOfInterest roi;                    // ResizeMode::Crop only, frame pixels
  int frames_in_flight = 2;                // 1..8
  ContextOptions context;                  // device choice, validation, pipeline cache
};

using Ticket = uint64_t;

class Estimator {
 public:
  // Throws vkpose::Error (bad options, unreadable or corrupt model, no device).
  explicit Estimator(const EstimatorOptions& options);
  ~Estimator();
  Estimator(const Estimator&) = delete;
  Estimator& operator=(const Estimator&) = delete;

  // Synchronous: submit + wait.
  Pose estimate(const Frame& frame);

  // Copies the frame and submits its pre-recorded command buffers; never waits
  // for the GPU. Returns nullopt when every frame slot holds a ticket whose
  // pose has not been collected yet (poll or wait for an earlier ticket
  // first). Throws vkpose::Error for a bad frame (null pixels, empty, a row
  // stride smaller than a row, a side over kEstimatorMaxFrameSide).
  std::optional<Ticket> submit(const Frame& frame);
  // The pose if that frame has finished (collecting it and freeing its slot),
  // else nullopt; never blocks. Throws for an unknown or already collected
  // ticket.
  std::optional<Pose> poll(Ticket ticket);
  // Blocks until the frame has finished and collects it. Throws for an
  // unknown or already collected ticket.
  Pose wait(Ticket ticket);

  // Re-plans for another model input size without reloading the model.
  // Frames in flight finish first; their poses stay collectable.
  void setInputSize(int input_size);
  int inputSize() const;
  const Model& model() const;
  Context& context();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vkpose
