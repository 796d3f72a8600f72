// The frame as the fragment shader samples it: an RGBA8 image the size of
// the frame, filled on the GPU from the same buffer the estimator reads
// (vkCmdCopyBufferToImage), so the pixels cross from host to GPU once.
#pragma once

#include "engine/vulkan_api.h"

#include <memory>

#include "viewer/gpu/image.h"

namespace vkpose::view {

class GpuDevice;

class FrameTexture {
 public:
  explicit FrameTexture(GpuDevice& device);
  ~FrameTexture();
  FrameTexture(const FrameTexture&) = delete;
  FrameTexture& operator=(const FrameTexture&) = delete;

  // Re-creates the image for a new frame size; waits for the queue first,
  // since draws still in flight sample the old one (sizes change rarely:
  // a slideshow's next picture, a stream's new resolution).
  void resize(int width, int height);
  int width() const { return width_; }
  int height() const { return height_; }
  bool ready() const { return filled_; }

  // Copies a packed RGBA8 frame of the current size from `buffer` and leaves
  // the image ready for sampling.
  void recordUpload(VkCommandBuffer cmd, VkBuffer buffer);

  VkDescriptorSetLayout setLayout() const { return set_layout_; }
  VkDescriptorSet descriptorSet() const { return set_; }

 private:
  GpuDevice& device_;
  VkSampler sampler_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;
  VkDescriptorSet set_ = VK_NULL_HANDLE;
  std::unique_ptr<GpuImage> image_;
  int width_ = 0, height_ = 0;
  bool filled_ = false;
};

}  // namespace vkpose::view
