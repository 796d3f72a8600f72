// Errors inside the engine are exceptions carrying context: the VkResult (if
// any), the call that failed and where. The C API (runtime) turns them into
// status codes; nothing here exits the process.
#pragma once

#include "engine/vulkan_api.h"

#include <stdexcept>
#include <string>

namespace vkpose {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

class VulkanError : public Error {
 public:
  VulkanError(VkResult result, const char* call, const char* file, int line);
  VkResult result() const { return result_; }

 private:
  VkResult result_;
};

const char* vkResultName(VkResult result);

// Throws VulkanError naming the call and its location when result is not VK_SUCCESS.
void checkVk(VkResult result, const char* call, const char* file, int line);

}  // namespace vkpose

#define VKPOSE_VK(call) ::vkpose::checkVk((call), #call, __FILE__, __LINE__)
