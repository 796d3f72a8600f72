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
#include <vector>

#include "engine/context.h"
#include "engine/timestamps.h"
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
// A frame written into the staging buffer itself (Estimator::acquireFrame) is
// not copied.
struct Frame {
  const void* pixels = nullptr;
  FrameLayout layout;

  static Frame packed(const void* pixels, int width, int height, PixelFormat format) {
    return {pixels, FrameLayout::packed(width, height, format)};
  }
};

// A host frame written in place (Estimator::acquireFrame): `pixels` points at
// `bytes` writable bytes of the staging buffer the next submit() reads, to be
// filled as `layout` says. Submitting frame() (any Frame with this pointer and
// layout) copies nothing.
struct AcquiredFrame {
  uint8_t* pixels = nullptr;
  FrameLayout layout;
  uint64_t bytes = 0;  // layout.requiredBytes()

  Frame frame() const { return {pixels, layout}; }
};

// Host frames submitted so far, by how their pixels reached the staging
// buffer: a submit whose pointer is not the acquired frame's copies silently,
// so this is how a caller (or a test) can tell which path it took.
struct HostFrameCounts {
  uint64_t copied = 0;    // memcpy from the caller's memory
  uint64_t in_place = 0;  // written in place after acquireFrame: no copy
  uint64_t imported = 0;  // read by the GPU from registered host memory: no copy
};

// A frame already on the GPU, read in place by the preprocessing shader:
// nothing is copied (docs/embedding.md). It must belong to the Estimator's
// device (an ExternalDevice the host shares, or context().device()).
//
// Synchronisation: the preprocessing dispatch starts with a barrier from all
// earlier commands' memory writes on the same queue, so a host that renders
// the frame on the queue it gave vkpose needs nothing more. Work on another
// queue signals `wait_semaphore`, which vkpose waits on at `wait_stage`.
// The frame must stay unchanged until its pose has been collected (poll or
// wait), or until `signal_semaphore` (signalled when the whole frame's work
// has finished) lets another queue wait for that instead.
//
// Ownership: an image or buffer created with VK_SHARING_MODE_EXCLUSIVE must
// be owned by the Estimator's queue family (no ownership transfer is done).
struct GpuFrame {
  enum class Kind {
    Buffer,        // pixels in a VkBuffer with VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, laid out as `layout`
    SampledImage,  // a 2D VkImage with VK_IMAGE_USAGE_SAMPLED_BIT
    StorageImage,  // a 2D VkImage with VK_IMAGE_USAGE_STORAGE_BIT
  };
  Kind kind = Kind::Buffer;

  // Buffer: `offset` must be a multiple of minStorageBufferOffsetAlignment;
  // `range` is how many bytes from `offset` belong to the frame (Vulkan cannot
  // tell vkpose a buffer's size), at least layout.requiredBytes().
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0;
  VkDeviceSize range = 0;
  FrameLayout layout;  // images: only width and height are read

  // Images: mip level 0, array layer 0 of a 2D image in `image_layout`
  // (SHADER_READ_ONLY_OPTIMAL or GENERAL for sampled images, GENERAL for
  // storage images). Formats: R8G8B8A8_UNORM and B8G8R8A8_UNORM sampled
  // (the sampler swizzles BGRA), R8G8B8A8_UNORM as storage. sRGB formats are
  // refused: their texels would be linearised on read, which the model was
  // not trained on.
  VkImage image = VK_NULL_HANDLE;
  VkFormat image_format = VK_FORMAT_UNDEFINED;
  VkImageLayout image_layout = VK_IMAGE_LAYOUT_UNDEFINED;

  VkSemaphore wait_semaphore = VK_NULL_HANDLE;  // binary; optional
  VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
  VkSemaphore signal_semaphore = VK_NULL_HANDLE;  // binary; optional

  static GpuFrame fromBuffer(VkBuffer buffer, VkDeviceSize offset, VkDeviceSize range, const FrameLayout& layout) {
    GpuFrame f;
    f.kind = Kind::Buffer;
    f.buffer = buffer;
    f.offset = offset;
    f.range = range;
    f.layout = layout;
    return f;
  }
  static GpuFrame fromImage(Kind kind, VkImage image, VkFormat format, int width, int height, VkImageLayout layout) {
    GpuFrame f;
    f.kind = kind;
    f.image = image;
    f.image_format = format;
    f.image_layout = layout;
    f.layout = FrameLayout::packed(width, height, PixelFormat::RGBA8);
    return f;
  }
};

// GPU timestamps around each frame's work (EstimatorOptions::gpu_timing).
enum class GpuTimingMode {
  Off,
  Total,     // preprocessing, network, decode
  PerLayer,  // and every network layer (one more timestamp per layer)
};

struct GpuTiming {
  // From the frame's first command (its upload read) to the network input,
  // or to the first layer's output where that runs inside preprocessing.
  double preprocess_ms = 0;
  std::string preprocess_label;  // "preprocess", or "preprocess+" the first layer's name where it runs inside
  double network_ms = 0;
  double decode_ms = 0;      // argmax + decode into host-visible memory
  double total_ms = 0;
  std::vector<TimedSpan> layers;  // PerLayer: one per network dispatch after preprocessing, in order
};

// Device memory an Estimator holds (Estimator::memory()), in bytes.
struct EstimatorMemory {
  uint64_t activations = 0;    // the activation arenas, one per frame slot
  uint64_t staging = 0;        // host-visible frame staging, one per slot (grown to the largest host frame)
  uint64_t readback = 0;       // host-visible pose buffers, one per slot
  uint64_t weights = 0;        // the rest: weights and biases (shared by the slots), decode scratch, alignment
  uint64_t total = 0;          // every byte the Estimator's allocator has handed out
  uint64_t device_memory = 0;  // VkDeviceMemory allocated for them (whole blocks)
};

inline constexpr int kEstimatorMinInputSize = 129;
inline constexpr int kEstimatorMaxInputSize = 1025;
inline constexpr int kMaxFramesInFlight = 8;
inline constexpr int kMaxFenceSpinUs = 100000;  // EstimatorOptions::fence_spin_us
inline constexpr int kMaxCopyThreads = 8;       // EstimatorOptions::copy_threads
// Larger frames are refused rather than downscaled: a 16384 x 16384 RGBA8
// frame is already a 1 GiB staging buffer.
inline constexpr int kEstimatorMaxFrameSide = 16384;

// How the model input size is chosen.
enum class InputSizePolicy {
  Fixed,      // EstimatorOptions::input_size (or setInputSize)
  FromFrame,  // chooseInputSize() for each frame's size; a new frame size re-plans
};

struct EstimatorOptions {
  std::string model_path;                  // a .vkpose file (required)
  int input_size = 257;                    // (size - 1) % output_stride == 0, 129..1025
  InputSizePolicy input_size_policy = InputSizePolicy::Fixed;
  int max_auto_input_size = 513;           // FromFrame: the largest size it picks (a valid size)
  // Unset: preferredPrecision() of the device. A precision the device lacks
  // is refused.
  std::optional<Precision> precision;
  ResizeMode resize = ResizeMode::Letterbox;
  RegionOfInterest roi;                    // ResizeMode::Crop only, frame pixels
  int frames_in_flight = 2;                // 1..8
  GpuTimingMode gpu_timing = GpuTimingMode::Off;  // timestamps where the queue has them
  // How long a wait (estimate(), wait()) polls the frame's fence before it
  // sleeps in the driver: a sleeping wait can wake tens of µs after the GPU
  // finishes. Unset: 2000 µs on GPUs, 0 on CPU devices (lavapipe), whose
  // GPU work needs the cores a spinning wait would take.
  std::optional<int> fence_spin_us;
  // Threads that copy a host frame into staging, the calling thread
  // included: 1..8. One core writes GPU-visible staging at about 14 GB/s
  // (0.25 ms for a 1280x720 RGBA frame on an H200 host), which caps
  // throughput; more cores copy separate chunks at once. Frames written in
  // place (acquireFrame) and GpuFrames are not copied at all.
  int copy_threads = 1;
  // Whether the network's first layer runs inside preprocessing, as one
  // dispatch (runtime/ops/preprocess.h). Auto: on GPUs, where it saves a
  // barrier; off on CPU devices, where recomputing its taps costs more.
  FirstConvFusion fuse_first_conv = FirstConvFusion::Auto;
  ContextOptions context;                  // device choice, validation, pipeline cache
  // Set: run on the host's device and queue instead of creating one; only
  // context.pipeline_cache_path is then read.
  std::optional<ExternalDevice> external_device;
};

// InputSizePolicy::FromFrame: the largest valid size (129 + k * stride) that
// does not exceed the sampled region's longer side, so the frame is never
// upsampled more than needed, clamped to [129, max_size].
int chooseInputSize(int region_width, int region_height, int output_stride, int max_size);

using Ticket = uint64_t;


// Where the Estimator constructor spent its time, in ms; vkpose-bench
// reports it as part of cold start (context() has the device's own parts).
struct EstimatorCreationTimes {
  double model = 0;        // reading and verifying the .vkpose file
  double context = 0;      // the Vulkan instance and device (Context::creationTimes)
  double first_slot = 0;   // pipelines, weights uploaded, activations, recordings
  double other_slots = 0;  // the other frames in flight (pipelines and weights shared)
};

// The precision an Estimator runs at when EstimatorOptions::precision is
// unset: fp16 storage on GPUs that have it (less memory traffic, and the
// tensor-core pointwise kernel; 8-35% less GPU time on an H200, keypoints
// within 0.25 source px of fp32), fp32 elsewhere. CPU devices (lavapipe) keep
// fp32: converting halves there costs more than the bytes it saves.
Precision preferredPrecision(const Capabilities& caps);

class Estimator {
 public:
  // Throws vkpose::Error (bad options, unreadable or corrupt model, no device).
  explicit Estimator(const EstimatorOptions& options);
  ~Estimator();
  Estimator(const Estimator&) = delete;
  Estimator& operator=(const Estimator&) = delete;

  // Synchronous: submit + wait.
  Pose estimate(const Frame& frame);

  // Copies the frame (unless it was written in place: acquireFrame) and
  // submits its pre-recorded command buffers; never waits for the GPU.
  // Returns nullopt when every frame slot holds a ticket whose pose has not
  // been collected yet (poll or wait for an earlier ticket first). Throws
  // vkpose::Error for a bad frame (null pixels, empty, a row stride smaller
  // than a row, a side over kEstimatorMaxFrameSide), for the acquired frame's
  // pointer with another layout, and for pixels in a staging buffer that are
  // not the frame acquired now (one acquired before a submit, setInputSize,
  // ...: see acquireFrame).
  std::optional<Ticket> submit(const Frame& frame);

  // Zero-copy host frames: the staging memory of the frame slot that the next
  // submit() or estimate() will use, grown to hold `layout`. Write (decode)
  // the frame there, then submit it (AcquiredFrame::frame()): submit checks
  // and submits, copying nothing. nullopt when every slot holds an
  // uncollected ticket, as submit would return (poll or wait first). The
  // bytes are stale until written; the memory may be write-combined, so write
  // it sequentially and do not read it back.
  // Valid until the next submit or estimate (of any frame, whether it
  // succeeds or not), acquireFrame, setInputSize or forgetGpuFrame, or the
  // Estimator's destruction; poll and wait leave it valid. submit refuses that
  // pointer with another layout, and a pointer into any staging buffer that
  // is not the frame acquired now. Throws for a bad layout, as submit would.
  std::optional<AcquiredFrame> acquireFrame(const FrameLayout& layout);
  HostFrameCounts hostFrameCounts() const;

  // Zero-copy host frames in the caller's own memory: a decoder's or camera's
  // ring of frame buffers, registered once, is read by the GPU in place
  // (VK_EXT_external_memory_host), so submit copies nothing for a frame that
  // lies inside a registered range. Returns true once registered; false where
  // the device cannot import this memory (`why`, if given, says why), in
  // which case frames there are copied as before. Until the pose of a frame
  // read in place is collected, its pixels must stay unchanged; the whole
  // range must stay allocated until unregisterHostMemory or the Estimator's
  // destruction. A frame whose start is not aligned to the device's
  // minStorageBufferOffsetAlignment (16 bytes on most GPUs) inside its
  // registered range is copied. Throws vkpose::Error for a null or empty
  // range, or one that overlaps a registered range or vkpose's staging.
  bool registerHostMemory(const void* begin, uint64_t bytes, std::string* why = nullptr);
  // Waits for the frames in flight (their poses stay collectable), then
  // drops the registration that starts at `begin`. Throws vkpose::Error for
  // a pointer that does not start a registered range.
  void unregisterHostMemory(const void* begin);

  // The same for a frame on the GPU (GpuFrame): no copy. Throws
  // vkpose::Error for a null handle, an unsupported format or layout, or a
  // buffer range that does not hold the layout.
  Pose estimate(const GpuFrame& frame);
  std::optional<Ticket> submit(const GpuFrame& frame);

  // The pose if that frame has finished (collecting it and freeing its slot),
  // else nullopt; never blocks. Throws for an unknown or already collected
  // ticket.
  std::optional<Pose> poll(Ticket ticket);
  // Blocks until the frame has finished and collects it. Throws for an
  // unknown or already collected ticket.
  Pose wait(Ticket ticket);

  // Call before destroying a buffer or image passed in a GpuFrame: vkpose
  // keeps a recording (and an image view) per frame source, and Vulkan may
  // give a new object the destroyed one's handle. Waits for the GPU to finish
  // every frame in flight; their poses stay collectable.
  void forgetGpuFrame(const GpuFrame& frame);

  // Re-plans for another model input size without reloading the model.
  // Frames in flight finish first; their poses stay collectable.
  void setInputSize(int input_size);
  int inputSize() const;
  // GPU time of the frame collected last (poll or wait), where gpu_timing is
  // on and the queue supports timestamps; nullopt otherwise.
  std::optional<GpuTiming> lastGpuTiming() const;
  // Device memory held now: weights, activations, staging and readback.
  EstimatorMemory memory() const;
  const Model& model() const;
  Context& context();
  // The precision chosen at construction (EstimatorOptions::precision, or
  // the device's preferred one).
  Precision precision() const;
  const EstimatorCreationTimes& creationTimes() const;

 private:
  void adaptInputSize(int frame_width, int frame_height);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vkpose
