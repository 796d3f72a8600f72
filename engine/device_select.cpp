#include "engine/device_select.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vkpose {

namespace {

int preferenceRank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

std::optional<uint32_t> parseIndex(std::string_view spec) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), value);
  if (ec != std::errc() || end != spec.data() + spec.size()) return std::nullopt;
  return value;
}

std::string versionText(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v));
}

// Why a device can't run the engine at all, or empty when it can.
std::string unusableReason(const DeviceSnapshot& d) {
  if (!d.has_compute_queue) return "no queue family supports compute";
  if (d.api_version < kMinDeviceApiVersion)
    return "Vulkan " + versionText(d.api_version) + " < required " + versionText(kMinDeviceApiVersion);
  return {};
}

bool matchesOverride(const DeviceSnapshot& d, std::string_view spec) {
  if (spec.empty()) return true;
  if (auto index = parseIndex(spec)) return d.index == *index;
  return lower(d.name).find(lower(spec)) != std::string::npos;
}

std::string passedOverReason(const DeviceSnapshot& d, const DeviceSnapshot& chosen) {
  if (d.type == chosen.type) return "usable, but device " + std::to_string(chosen.index) + " of the same type comes first";
  return std::string("usable, but a ") + deviceTypeName(d.type) + " ranks below the chosen " +
         deviceTypeName(chosen.type);
}

}  // namespace

const char* deviceTypeName(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
    default: return "other";
  }
}

std::string DeviceChoice::describeRejections() const {
  std::string text;
  for (const auto& r : rejected)
    text += "  [" + std::to_string(r.index) + "] " + r.name + ": " + r.reason + "\n";
  return text;
}

DeviceChoice chooseDevice(std::span<const DeviceSnapshot> devices, std::string_view override_spec) {
  DeviceChoice choice;
  std::vector<const DeviceSnapshot*> candidates;
  for (const auto& d : devices) {
    if (auto reason = unusableReason(d); !reason.empty()) {
      choice.rejected.push_back({d.index, d.name, reason});
    } else if (!matchesOverride(d, override_spec)) {
      choice.rejected.push_back({d.index, d.name, "does not match VKPOSE_DEVICE=" + std::string(override_spec)});
    } else {
      candidates.push_back(&d);
    }
  }
  if (candidates.empty()) {
    choice.error = devices.empty() ? "no Vulkan physical devices found"
                   : override_spec.empty()
                       ? "no usable Vulkan device"
                       : "no usable Vulkan device matches VKPOSE_DEVICE=" + std::string(override_spec);
    return choice;
  }
  auto best = std::min_element(candidates.begin(), candidates.end(), [](auto* a, auto* b) {
    int ra = preferenceRank(a->type), rb = preferenceRank(b->type);
    return ra != rb ? ra < rb : a->index < b->index;
  });
  choice.index = (*best)->index;
  for (auto* d : candidates)
    if (d != *best) choice.rejected.push_back({d->index, d->name, passedOverReason(*d, **best)});
  return choice;
}

}  // namespace vkpose
