// A 2D colour image with its own memory and view: the display texture and
// the offscreen render target. (The engine's allocator serves buffers only;
// the viewer has one or two images, so each gets a dedicated allocation.)
#pragma once

#include "engine/vulkan_api.h"

namespace vkpose::view {

class GpuDevice;

class GpuImage {
 public:
  GpuImage(GpuDevice& device, uint32_t width, uint32_t height, VkFormat format, VkImageUsageFlags usage);
  ~GpuImage();
  GpuImage(const GpuImage&) = delete;
  GpuImage& operator=(const GpuImage&) = delete;

  VkImage image() const { return image_; }
  VkImageView view() const { return view_; }
  VkFormat format() const { return format_; }
  VkExtent2D extent() const { return extent_; }

 private:
  void release();

  VkDevice device_;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  VkImageView view_ = VK_NULL_HANDLE;
  VkFormat format_;
  VkExtent2D extent_;
};

struct ImageAccess {
  VkPipelineStageFlags stage;
  VkAccessFlags access;
  VkImageLayout layout;
};

// One layout transition of a whole colour image. Like the engine's
// recorder, every call says why it is there (`why` is for the reader only).
void transitionImage(VkCommandBuffer cmd, VkImage image, ImageAccess from, ImageAccess to, const char* why);

VkImageView createColourView(VkDevice device, VkImage image, VkFormat format);

}  // namespace vkpose::view
