// Validation-layer plumbing: whether it is on (build option, overridden by
// VKPOSE_VALIDATION=0/1), and a log of every message the debug messenger saw,
// so tests can fail on any of them.
#pragma once

#include "engine/vulkan_api.h"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace vkpose {

inline constexpr const char* kValidationLayerName = "VK_LAYER_KHRONOS_validation";

struct ValidationSetting {
  bool enabled = false;
  bool required = false;  // set explicitly through the environment: missing layer is an error
};

// Build default (VKPOSE_VALIDATION option) unless the environment says otherwise.
ValidationSetting validationSettingFromEnvironment();

class ValidationLog {
 public:
  void record(VkDebugUtilsMessageSeverityFlagBitsEXT severity, const char* message);
  size_t count() const { return count_.load(); }
  std::vector<std::string> messages() const;
  // Tests that provoke messages on purpose take them out so the suite stays clean.
  std::vector<std::string> take();

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
  std::atomic<size_t> count_{0};
};

VkDebugUtilsMessengerCreateInfoEXT messengerCreateInfo(ValidationLog* log);

}  // namespace vkpose
