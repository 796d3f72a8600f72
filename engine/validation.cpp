#include "engine/validation.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace vkpose {

ValidationSetting validationSettingFromEnvironment() {
#ifdef VKPOSE_VALIDATION_DEFAULT
  ValidationSetting setting{VKPOSE_VALIDATION_DEFAULT != 0, false};
#else
  ValidationSetting setting{false, false};
#endif
  if (const char* env = std::getenv("VKPOSE_VALIDATION"); env && *env) {
    setting.enabled = std::string_view(env) != "0";
    setting.required = setting.enabled;
  }
  return setting;
}

void ValidationLog::record(VkDebugUtilsMessageSeverityFlagBitsEXT severity, const char* message) {
  const char* level = severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning";
  std::string text = std::string("[vulkan ") + level + "] " + message;
  std::fprintf(stderr, "%s\n", text.c_str());
  std::lock_guard lock(mutex_);
  messages_.push_back(std::move(text));
  count_.store(messages_.size());
}

std::vector<std::string> ValidationLog::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<std::string> ValidationLog::take() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> taken;
  taken.swap(messages_);
  count_.store(0);
  return taken;
}

namespace {

VKAPI_ATTR VkBool32 VKAPI_CALL onDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                              VkDebugUtilsMessageTypeFlagsEXT,
                                              const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
  static_cast<ValidationLog*>(user)->record(severity, data && data->pMessage ? data->pMessage : "(no message)");
  return VK_FALSE;  // never abort the call: the log decides what fails
}

}  // namespace

VkDebugUtilsMessengerCreateInfoEXT messengerCreateInfo(ValidationLog* log) {
  VkDebugUtilsMessengerCreateInfoEXT info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  // Warnings count too: performance and best-practice warnings are how
  // misuse that happens to work on one driver shows up on lavapipe.
  info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  info.pfnUserCallback = onDebugMessage;
  info.pUserData = log;
  return info;
}

}  // namespace vkpose
