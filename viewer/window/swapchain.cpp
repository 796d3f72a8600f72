#include "viewer/window/swapchain.h"

#include <algorithm>

#include "engine/error.h"
#include "viewer/gpu/device.h"
#include "viewer/gpu/image.h"

namespace vkpose::view {

namespace {

VkPresentModeKHR choosePresentMode(GpuDevice& device, VkSurfaceKHR surface) {
  uint32_t count = 0;
  const WsiInstanceFunctions& wsi = device.instance().wsi();
  VKPOSE_VK(wsi.getSurfacePresentModes(device.physical(), surface, &count, nullptr));
  std::vector<VkPresentModeKHR> modes(count);
  VKPOSE_VK(wsi.getSurfacePresentModes(device.physical(), surface, &count, modes.data()));
  // Mailbox: no tearing, and never blocks the pose loop on the display's refresh.
  if (std::find(modes.begin(), modes.end(), VK_PRESENT_MODE_MAILBOX_KHR) != modes.end())
    return VK_PRESENT_MODE_MAILBOX_KHR;
  return VK_PRESENT_MODE_FIFO_KHR;  // always available
}

VkExtent2D clampExtent(const VkSurfaceCapabilitiesKHR& caps, VkExtent2D wanted) {
  if (caps.currentExtent.width != UINT32_MAX) return caps.currentExtent;
  return {std::clamp(wanted.width, caps.minImageExtent.width, caps.maxImageExtent.width),
          std::clamp(wanted.height, caps.minImageExtent.height, caps.maxImageExtent.height)};
}

}  // namespace

VkSurfaceFormatKHR Swapchain::chooseFormat(GpuDevice& device, VkSurfaceKHR surface) {
  uint32_t count = 0;
  const WsiInstanceFunctions& wsi = device.instance().wsi();
  VKPOSE_VK(wsi.getSurfaceFormats(device.physical(), surface, &count, nullptr));
  std::vector<VkSurfaceFormatKHR> formats(count);
  VKPOSE_VK(wsi.getSurfaceFormats(device.physical(), surface, &count, formats.data()));
  if (formats.empty()) throw Error("the window surface offers no image formats");
  for (VkFormat wanted : {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM})
    for (const VkSurfaceFormatKHR& f : formats)
      if (f.format == wanted && f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) return f;
  return formats[0];
}

Swapchain::Swapchain(GpuDevice& device, VkSurfaceKHR surface, VkSurfaceFormatKHR format, VkRenderPass render_pass)
    : device_(device), surface_(surface), format_(format), render_pass_(render_pass) {}

Swapchain::~Swapchain() {
  vkDeviceWaitIdle(device_.handle());
  destroyImages();
  if (swapchain_) device_.wsi().destroySwapchain(device_.handle(), swapchain_, nullptr);
}

void Swapchain::destroyImages() {
  VkDevice dev = device_.handle();
  for (VkFramebuffer f : framebuffers_) vkDestroyFramebuffer(dev, f, nullptr);
  for (VkImageView v : views_) vkDestroyImageView(dev, v, nullptr);
  for (VkSemaphore s : rendered_) vkDestroySemaphore(dev, s, nullptr);
  framebuffers_.clear();
  views_.clear();
  rendered_.clear();
  images_.clear();
}

void Swapchain::recreate(VkExtent2D size) {
  VkDevice dev = device_.handle();
  // Nothing may still draw into (or present) the old images.
  VKPOSE_VK(vkDeviceWaitIdle(dev));
  VkSurfaceCapabilitiesKHR caps;
  VKPOSE_VK(device_.instance().wsi().getSurfaceCapabilities(device_.physical(), surface_, &caps));
  extent_ = clampExtent(caps, size);
  copyable_ = caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT;

  VkSwapchainCreateInfoKHR info{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
  info.surface = surface_;
  info.minImageCount = caps.maxImageCount ? std::min(caps.minImageCount + 1, caps.maxImageCount) : caps.minImageCount + 1;
  info.imageFormat = format_.format;
  info.imageColorSpace = format_.colorSpace;
  info.imageExtent = extent_;
  info.imageArrayLayers = 1;
  info.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | (copyable_ ? VK_IMAGE_USAGE_TRANSFER_SRC_BIT : 0);
  info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.preTransform = caps.currentTransform;
  info.compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
                            ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                            : VkCompositeAlphaFlagBitsKHR(caps.supportedCompositeAlpha & -caps.supportedCompositeAlpha);
  info.presentMode = choosePresentMode(device_, surface_);
  info.clipped = VK_TRUE;
  info.oldSwapchain = swapchain_;
  VkSwapchainKHR fresh = VK_NULL_HANDLE;
  VKPOSE_VK(device_.wsi().createSwapchain(dev, &info, nullptr, &fresh));
  destroyImages();
  if (swapchain_) device_.wsi().destroySwapchain(dev, swapchain_, nullptr);
  swapchain_ = fresh;

  uint32_t count = 0;
  VKPOSE_VK(device_.wsi().getSwapchainImages(dev, swapchain_, &count, nullptr));
  images_.resize(count);
  VKPOSE_VK(device_.wsi().getSwapchainImages(dev, swapchain_, &count, images_.data()));
  for (VkImage image : images_) {
    views_.push_back(createColourView(dev, image, format_.format));
    VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fb.renderPass = render_pass_;
    fb.attachmentCount = 1;
    fb.pAttachments = &views_.back();
    fb.width = extent_.width;
    fb.height = extent_.height;
    fb.layers = 1;
    framebuffers_.emplace_back();
    VKPOSE_VK(vkCreateFramebuffer(dev, &fb, nullptr, &framebuffers_.back()));
    VkSemaphoreCreateInfo sem{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    rendered_.emplace_back();
    VKPOSE_VK(vkCreateSemaphore(dev, &sem, nullptr, &rendered_.back()));
  }
}

std::optional<uint32_t> Swapchain::acquire(VkSemaphore signal) {
  uint32_t index = 0;
  VkResult r = device_.wsi().acquireNextImage(device_.handle(), swapchain_, UINT64_MAX, signal, VK_NULL_HANDLE, &index);
  if (r == VK_ERROR_OUT_OF_DATE_KHR) return std::nullopt;
  if (r != VK_SUBOPTIMAL_KHR) VKPOSE_VK(r);  // suboptimal still signals: draw, then re-create after present
  return index;
}

bool Swapchain::present(uint32_t image, VkSemaphore wait) {
  VkPresentInfoKHR info{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  info.waitSemaphoreCount = 1;
  info.pWaitSemaphores = &wait;
  info.swapchainCount = 1;
  info.pSwapchains = &swapchain_;
  info.pImageIndices = &image;
  VkResult r = device_.wsi().queuePresent(device_.queue(), &info);
  if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) return false;
  VKPOSE_VK(r);
  return true;
}

}  // namespace vkpose::view
