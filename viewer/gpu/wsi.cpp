#include "viewer/gpu/wsi.h"

#include "engine/error.h"

namespace vkpose::view {

namespace {

template <class F>
void instanceFunction(VkInstance instance, const char* name, F& out) {
  out = reinterpret_cast<F>(vkGetInstanceProcAddr(instance, name));
}

template <class F>
void deviceFunction(VkDevice device, const char* name, F& out) {
  out = reinterpret_cast<F>(vkGetDeviceProcAddr(device, name));
  if (!out) throw Error(std::string("the Vulkan driver lacks ") + name);
}

}  // namespace

void WsiInstanceFunctions::load(VkInstance instance) {
  instanceFunction(instance, "vkDestroySurfaceKHR", destroySurface);
  instanceFunction(instance, "vkGetPhysicalDeviceSurfaceSupportKHR", getSurfaceSupport);
  instanceFunction(instance, "vkGetPhysicalDeviceSurfaceCapabilitiesKHR", getSurfaceCapabilities);
  instanceFunction(instance, "vkGetPhysicalDeviceSurfaceFormatsKHR", getSurfaceFormats);
  instanceFunction(instance, "vkGetPhysicalDeviceSurfacePresentModesKHR", getSurfacePresentModes);
}

void WsiDeviceFunctions::load(VkDevice device) {
  deviceFunction(device, "vkCreateSwapchainKHR", createSwapchain);
  deviceFunction(device, "vkDestroySwapchainKHR", destroySwapchain);
  deviceFunction(device, "vkGetSwapchainImagesKHR", getSwapchainImages);
  deviceFunction(device, "vkAcquireNextImageKHR", acquireNextImage);
  deviceFunction(device, "vkQueuePresentKHR", queuePresent);
}

}  // namespace vkpose::view
