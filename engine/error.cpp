#include "engine/error.h"

#include <filesystem>

namespace vkpose {

const char* vkResultName(VkResult result) {
  switch (result) {
#define VKPOSE_CASE(r) \
  case r:              \
    return #r;
    VKPOSE_CASE(VK_SUCCESS)
    VKPOSE_CASE(VK_NOT_READY)
    VKPOSE_CASE(VK_TIMEOUT)
    VKPOSE_CASE(VK_EVENT_SET)
    VKPOSE_CASE(VK_EVENT_RESET)
    VKPOSE_CASE(VK_INCOMPLETE)
    VKPOSE_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
    VKPOSE_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    VKPOSE_CASE(VK_ERROR_INITIALIZATION_FAILED)
    VKPOSE_CASE(VK_ERROR_DEVICE_LOST)
    VKPOSE_CASE(VK_ERROR_MEMORY_MAP_FAILED)
    VKPOSE_CASE(VK_ERROR_LAYER_NOT_PRESENT)
    VKPOSE_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
    VKPOSE_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
    VKPOSE_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
    VKPOSE_CASE(VK_ERROR_TOO_MANY_OBJECTS)
    VKPOSE_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
    VKPOSE_CASE(VK_ERROR_FRAGMENTED_POOL)
    VKPOSE_CASE(VK_ERROR_UNKNOWN)
    VKPOSE_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
    VKPOSE_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    VKPOSE_CASE(VK_ERROR_FRAGMENTATION)
#undef VKPOSE_CASE
    default:
      return "VK_RESULT_UNKNOWN";
  }
}

static std::string describe(VkResult result, const char* call, const char* file, int line) {
  return std::string(call) + " failed with " + vkResultName(result) + " (" + std::to_string(result) + ") at " +
         std::filesystem::path(file).filename().string() + ":" + std::to_string(line);
}

VulkanError::VulkanError(VkResult result, const char* call, const char* file, int line)
    : Error(describe(result, call, file, line)), result_(result) {}

void checkVk(VkResult result, const char* call, const char* file, int line) {
  if (result != VK_SUCCESS) throw VulkanError(result, call, file, line);
}

}  // namespace vkpose
