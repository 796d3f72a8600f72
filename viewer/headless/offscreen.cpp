#include "viewer/headless/offscreen.h"

#include "engine/error.h"
#include "viewer/gpu/device.h"

namespace vkpose::view {

OffscreenTarget::OffscreenTarget(GpuDevice& device, VkRenderPass render_pass, uint32_t width, uint32_t height)
    : device_(device.handle()),
      image_(device, width, height, kFormat, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT),
      readback_(device, {width, height}, kFormat) {
  VkImageView view = image_.view();
  VkFramebufferCreateInfo info{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  info.renderPass = render_pass;
  info.attachmentCount = 1;
  info.pAttachments = &view;
  info.width = width;
  info.height = height;
  info.layers = 1;
  VKPOSE_VK(vkCreateFramebuffer(device_, &info, nullptr, &framebuffer_));
}

OffscreenTarget::~OffscreenTarget() { vkDestroyFramebuffer(device_, framebuffer_, nullptr); }

}  // namespace vkpose::view
