// A VkSurfaceKHR owned for its lifetime: destroyed after the swapchain and
// device that use it, before the instance.
#pragma once

#include "engine/vulkan_api.h"

#include "viewer/gpu/instance.h"
#include "viewer/window/window.h"

namespace vkpose::view {

class Surface {
 public:
  Surface(GpuInstance& instance, Window& window) : instance_(instance), surface_(window.createSurface(instance.handle())) {}
  ~Surface() { instance_.wsi().destroySurface(instance_.handle(), surface_, nullptr); }
  Surface(const Surface&) = delete;
  Surface& operator=(const Surface&) = delete;
  operator VkSurfaceKHR() const { return surface_; }

 private:
  GpuInstance& instance_;
  VkSurfaceKHR surface_;
};

}  // namespace vkpose::view
