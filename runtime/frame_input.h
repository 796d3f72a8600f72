// Where a frame slot's preprocessing reads pixels from, and the recorded
// command buffers that read them. A host frame comes through the slot's
// staging buffer; a GpuFrame is read in place from the host engine's buffer
// or image. Each distinct source (handle, offset, layout, format) gets one
// recording with its own descriptor set (and image view), kept in a small
// most-recently-used cache, so a host that cycles through a ring of images
// replays recordings instead of updating descriptors every frame.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string_view>

#include "engine/context.h"
#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "engine/timestamps.h"
#include "runtime/estimator.h"
#include "runtime/ops/preprocess.h"

namespace vkpose {

// Identifies a frame source; two frames with equal keys share a recording.
struct FrameSourceKey {
  enum class Kind { HostStaging, Buffer, SampledImage, StorageImage };
  Kind kind = Kind::HostStaging;
  uint64_t handle = 0;  // VkBuffer or VkImage
  VkDeviceSize offset = 0, range = 0;
  FrameLayout layout;
  VkFormat image_format = VK_FORMAT_UNDEFINED;
  VkImageLayout image_layout = VK_IMAGE_LAYOUT_UNDEFINED;

  bool operator==(const FrameSourceKey& other) const;
};

FrameSourceKey stagingKey(const Buffer& staging, const FrameLayout& layout);
// Throws vkpose::Error naming what is wrong with the GpuFrame (null handle,
// format, layout, kind, empty or oversized frame).
FrameSourceKey gpuFrameKey(const GpuFrame& frame);

// What the recordings write into and how (one per input size).
struct FrameInputTarget {
  const TensorView* input = nullptr;  // the network input tensor
  ResizeMode resize = ResizeMode::Letterbox;
  RegionOfInterest roi;
  TimestampQueries* timing = nullptr;  // set: reset, mark 0 at the start and 1 after preprocessing
  // Set: the network's first layer, run in the preprocessing dispatch (the
  // network input is then not written), and its node name. The target is
  // made for every submit, so the name is a view of the Executor's.
  std::optional<FirstConv> first_conv;
  std::string_view first_conv_name;
};

class FrameInputRecordings {
 public:
  FrameInputRecordings(Context& ctx, PreprocessOp& preprocess, size_t capacity = 4);
  ~FrameInputRecordings();
  FrameInputRecordings(const FrameInputRecordings&) = delete;
  FrameInputRecordings& operator=(const FrameInputRecordings&) = delete;

  // The recording for `key`, recorded now if it is new (evicting the least
  // recently used one). The GPU must be done with this slot's earlier
  // submissions. `staging` is read for HostStaging keys only.
  VkCommandBuffer get(const FrameSourceKey& key, const Buffer& staging, const FrameInputTarget& target);
  // Forget every recording (a new input size or staging buffer).
  void clear();
  // Forget the recordings that read this VkBuffer or VkImage.
  void forget(uint64_t handle);

 private:
  struct Entry;
  std::unique_ptr<Entry> record(const FrameSourceKey& key, const Buffer& staging, const FrameInputTarget& target);
  void recordPreprocess(Entry& entry, const Buffer& staging, const FrameInputTarget& target);
  VkImageView createView(const FrameSourceKey& key) const;
  VkSampler sampler();

  Context& ctx_;
  PreprocessOp& preprocess_;
  size_t capacity_;
  std::list<std::unique_ptr<Entry>> entries_;  // most recently used first
  VkSampler sampler_ = VK_NULL_HANDLE;
};

}  // namespace vkpose
