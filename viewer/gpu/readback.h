// Pictures back to the host: the headless target every frame, a swapchain
// image for a screenshot. (The pose needs no such thing: the estimator
// returns it.)
#pragma once

#include "engine/vulkan_api.h"

#include <cstdint>
#include <vector>

#include "engine/memory.h"

namespace vkpose::view {

class GpuDevice;

class ImageReadback {
 public:
  ImageReadback(GpuDevice& device, VkExtent2D extent, VkFormat format);

  // Copies `image` (in `layout`, last written as a colour attachment) into
  // the host-visible buffer and puts it back into `layout`.
  void record(VkCommandBuffer cmd, VkImage image, VkImageLayout layout);
  // After the command buffer has finished: packed RGBA8, rows top to bottom
  // (BGRA images are swizzled).
  std::vector<uint8_t> rgba() const;
  VkExtent2D extent() const { return extent_; }

 private:
  VkExtent2D extent_;
  VkFormat format_;
  Buffer buffer_;
};

}  // namespace vkpose::view
