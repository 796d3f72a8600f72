// The headless render target: an RGBA8 image the size of the frame, drawn
// by the same Renderer as the window, and read back for PNG output.
#pragma once

#include "engine/vulkan_api.h"

#include <memory>

#include "viewer/gpu/image.h"
#include "viewer/gpu/readback.h"

namespace vkpose::view {

class GpuDevice;

class OffscreenTarget {
 public:
  static constexpr VkFormat kFormat = VK_FORMAT_R8G8B8A8_UNORM;
  // The render pass must leave the image in TRANSFER_SRC_OPTIMAL.
  OffscreenTarget(GpuDevice& device, VkRenderPass render_pass, uint32_t width, uint32_t height);
  ~OffscreenTarget();
  OffscreenTarget(const OffscreenTarget&) = delete;
  OffscreenTarget& operator=(const OffscreenTarget&) = delete;

  VkFramebuffer framebuffer() const { return framebuffer_; }
  VkExtent2D extent() const { return image_.extent(); }
  void recordReadback(VkCommandBuffer cmd) { readback_.record(cmd, image_.image(), VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL); }
  std::vector<uint8_t> rgba() const { return readback_.rgba(); }

 private:
  VkDevice device_;
  GpuImage image_;
  ImageReadback readback_;
  VkFramebuffer framebuffer_ = VK_NULL_HANDLE;
};

}  // namespace vkpose::view
