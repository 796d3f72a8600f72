// Window-system entry points (VK_KHR_surface, VK_KHR_swapchain). The engine
// resolves only core functions from the loader; extension functions are
// fetched here, per instance and per device, as Vulkan requires.
#pragma once

#include "engine/vulkan_api.h"

namespace vkpose::view {

struct WsiInstanceFunctions {
  PFN_vkDestroySurfaceKHR destroySurface = nullptr;
  PFN_vkGetPhysicalDeviceSurfaceSupportKHR getSurfaceSupport = nullptr;
  PFN_vkGetPhysicalDeviceSurfaceCapabilitiesKHR getSurfaceCapabilities = nullptr;
  PFN_vkGetPhysicalDeviceSurfaceFormatsKHR getSurfaceFormats = nullptr;
  PFN_vkGetPhysicalDeviceSurfacePresentModesKHR getSurfacePresentModes = nullptr;

  // Leaves everything null when the instance has no VK_KHR_surface (headless).
  void load(VkInstance instance);
  bool loaded() const { return destroySurface != nullptr; }
};

struct WsiDeviceFunctions {
  PFN_vkCreateSwapchainKHR createSwapchain = nullptr;
  PFN_vkDestroySwapchainKHR destroySwapchain = nullptr;
  PFN_vkGetSwapchainImagesKHR getSwapchainImages = nullptr;
  PFN_vkAcquireNextImageKHR acquireNextImage = nullptr;
  PFN_vkQueuePresentKHR queuePresent = nullptr;

  void load(VkDevice device);  // only for a device created with VK_KHR_swapchain
};

}  // namespace vkpose::view
