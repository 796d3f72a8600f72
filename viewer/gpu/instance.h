// The viewer's own VkInstance: it owns the device that the estimator then
// shares (EstimatorOptions::external_device), so validation is set up here,
// with a messenger whose log decides the exit status.
#pragma once

#include "engine/vulkan_api.h"

#include <string>
#include <vector>

#include "engine/validation.h"
#include "viewer/gpu/wsi.h"

namespace vkpose::view {

class GpuInstance {
 public:
  // `extensions`: what the window system needs (glfwGetRequiredInstanceExtensions);
  // none headless. Validation follows VKPOSE_VALIDATION like the engine's own
  // Context. Every validation message goes to `log`, which outlives the
  // instance so that messages from its destruction still count. Throws
  // vkpose::Error (no loader, no driver, missing layer).
  GpuInstance(const std::vector<std::string>& extensions, ValidationLog& log);
  ~GpuInstance();
  GpuInstance(const GpuInstance&) = delete;
  GpuInstance& operator=(const GpuInstance&) = delete;

  VkInstance handle() const { return instance_; }
  uint32_t apiVersion() const { return api_version_; }
  bool validationEnabled() const { return messenger_ != VK_NULL_HANDLE; }
  ValidationLog& validationLog() { return log_; }
  const WsiInstanceFunctions& wsi() const { return wsi_; }

 private:
  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  uint32_t api_version_ = 0;
  ValidationLog& log_;
  WsiInstanceFunctions wsi_;
};

}  // namespace vkpose::view
