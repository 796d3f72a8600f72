// Physical-device choice as a pure function over a snapshot of each device's
// properties, so the policy is unit-tested without a GPU.
#pragma once

#include "engine/vulkan_api.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vkpose {

struct DeviceSnapshot {
  uint32_t index = 0;
  std::string name;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  uint32_t api_version = 0;
  bool has_compute_queue = false;
};

struct DeviceRejection {
  uint32_t index = 0;
  std::string name;
  std::string reason;
};

struct DeviceChoice {
  std::optional<uint32_t> index;        // empty when no device is usable
  std::vector<DeviceRejection> rejected;  // every device not chosen, with why
  std::string error;                    // why nothing was chosen, when index is empty

  std::string describeRejections() const;
};

// Minimum Vulkan version the engine's SPIR-V (1.3, subgroup ops) needs.
inline constexpr uint32_t kMinDeviceApiVersion = VK_API_VERSION_1_1;

const char* deviceTypeName(VkPhysicalDeviceType type);

// Preference: discrete > integrated > virtual > CPU > other; ties go to the
// lowest index. override_spec (VKPOSE_DEVICE) is either a device index or a
// case-insensitive substring of the device name; when set, only matching
// devices are considered.
DeviceChoice chooseDevice(std::span<const DeviceSnapshot> devices, std::string_view override_spec);

}  // namespace vkpose
