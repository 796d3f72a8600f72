// The window's swapchain with a framebuffer per image, re-created whenever
// the window changes size (or the driver reports it out of date). Each image
// has its own "rendered" semaphore: present may still wait on one after its
// frame's fence has signalled, so they cannot be tied to frame slots.
#pragma once

#include "engine/vulkan_api.h"

#include <optional>
#include <vector>

namespace vkpose::view {

class GpuDevice;

class Swapchain {
 public:
  // The format drawn into: 8-bit UNORM (BGRA or RGBA) so that pixels keep
  // the frame's values exactly; an sRGB format would re-encode them.
  static VkSurfaceFormatKHR chooseFormat(GpuDevice& device, VkSurfaceKHR surface);

  Swapchain(GpuDevice& device, VkSurfaceKHR surface, VkSurfaceFormatKHR format, VkRenderPass render_pass);
  ~Swapchain();
  Swapchain(const Swapchain&) = delete;
  Swapchain& operator=(const Swapchain&) = delete;

  // Waits for the queue, then builds images and framebuffers for `size`
  // (clamped to what the surface allows).
  void recreate(VkExtent2D size);

  // The next image; nullopt when the swapchain must be re-created first.
  std::optional<uint32_t> acquire(VkSemaphore signal);
  // False when the swapchain is out of date or suboptimal (re-create it).
  bool present(uint32_t image, VkSemaphore wait);

  VkExtent2D extent() const { return extent_; }
  VkFormat format() const { return format_.format; }
  VkImage image(uint32_t i) const { return images_[i]; }
  VkFramebuffer framebuffer(uint32_t i) const { return framebuffers_[i]; }
  VkSemaphore renderedSemaphore(uint32_t i) const { return rendered_[i]; }
  bool canCopyFrom() const { return copyable_; }  // images allow TRANSFER_SRC: screenshots work

 private:
  void destroyImages();

  GpuDevice& device_;
  VkSurfaceKHR surface_;
  VkSurfaceFormatKHR format_;
  VkRenderPass render_pass_;
  VkSwapchainKHR swapchain_ = VK_NULL_HANDLE;
  VkExtent2D extent_{};
  bool copyable_ = false;
  std::vector<VkImage> images_;
  std::vector<VkImageView> views_;
  std::vector<VkFramebuffer> framebuffers_;
  std::vector<VkSemaphore> rendered_;
};

}  // namespace vkpose::view
