#include "viewer/gpu/device.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "engine/device_select.h"
#include "engine/error.h"

namespace vkpose::view {

namespace {

std::vector<VkQueueFamilyProperties> queueFamilies(VkPhysicalDevice physical) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  return families;
}

// One family must do everything: the estimator's compute and our drawing
// share its queue, which orders them without semaphores.
std::optional<uint32_t> drawingFamily(const GpuInstance& instance, VkPhysicalDevice physical, VkSurfaceKHR surface) {
  constexpr VkQueueFlags kNeeded = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
  std::vector<VkQueueFamilyProperties> families = queueFamilies(physical);
  std::optional<uint32_t> any;
  for (uint32_t i = 0; i < families.size(); ++i) {
    if ((families[i].queueFlags & kNeeded) != kNeeded) continue;
    if (surface) {
      VkBool32 present = VK_FALSE;
      instance.wsi().getSurfaceSupport(physical, i, surface, &present);
      if (!present) continue;
    }
    if (families[i].timestampValidBits > 0) return i;
    if (!any) any = i;
  }
  return any;
}

}  // namespace

GpuDevice::GpuDevice(GpuInstance& instance, VkSurfaceKHR surface) : instance_(instance) {
  choosePhysical(surface);
  createDevice(surface != VK_NULL_HANDLE);
  allocator_ = std::make_unique<Allocator>(physical_, device_);
  if (surface) wsi_.load(device_);
}

GpuDevice::~GpuDevice() {
  if (device_) vkDeviceWaitIdle(device_);
  allocator_.reset();
  if (device_) vkDestroyDevice(device_, nullptr);
}

void GpuDevice::choosePhysical(VkSurfaceKHR surface) {
  uint32_t count = 0;
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance_.handle(), &count, nullptr));
  std::vector<VkPhysicalDevice> devices(count);
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance_.handle(), &count, devices.data()));
  std::vector<DeviceSnapshot> snapshots;
  for (uint32_t i = 0; i < count; ++i) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(devices[i], &props);
    // "compute queue" here means one family for graphics, compute and present.
    snapshots.push_back({i, props.deviceName, props.deviceType, props.apiVersion,
                         drawingFamily(instance_, devices[i], surface).has_value()});
  }
  const char* spec = std::getenv("VKPOSE_DEVICE");
  DeviceChoice choice = chooseDevice(snapshots, spec ? spec : "");
  if (!choice.index) {
    std::string detail = choice.describeRejections();
    throw Error(choice.error + " (the viewer needs one queue family for graphics, compute" +
                (surface ? ", and presenting to the window)" : ")") + (detail.empty() ? "" : ":\n" + detail));
  }
  physical_ = devices[*choice.index];
  family_ = *drawingFamily(instance_, physical_, surface);
  timestamp_bits_ = queueFamilies(physical_)[family_].timestampValidBits;
  caps_ = queryCapabilities(instance_.handle(), physical_, family_);
  vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);
}

void GpuDevice::createDevice(bool swapchain) {
  // The same optional features the engine's own Context enables, so the
  // estimator can run fp16 variants on this shared device.
  if (caps_.api_version >= VK_API_VERSION_1_2) {
    v11_.storageBuffer16BitAccess = caps_.storage_16bit;
    v12_.shaderFloat16 = caps_.float16_arith;
    v12_.storageBuffer8BitAccess = caps_.storage_8bit;
    v12_.shaderInt8 = caps_.int8_arith;
    features_.pNext = &v11_;
    v11_.pNext = &v12_;
  } else {
    storage16_.storageBuffer16BitAccess = caps_.storage_16bit;
    features_.pNext = &storage16_;
  }
  extensions_ = optionalDeviceExtensions(deviceExtensions(physical_));
  if (swapchain) extensions_.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue_info.queueFamilyIndex = family_;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &features_;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue_info;
  info.enabledExtensionCount = uint32_t(extensions_.size());
  info.ppEnabledExtensionNames = extensions_.data();
  VKPOSE_VK(vkCreateDevice(physical_, &info, nullptr, &device_));
  vkGetDeviceQueue(device_, family_, 0, &queue_);
}

ExternalDevice GpuDevice::external() const {
  ExternalDevice e;
  e.instance = instance_.handle();
  e.physical_device = physical_;
  e.device = device_;
  e.queue_family = family_;
  e.queue = queue_;
  e.enabled_features = &features_;
  for (const char* name : extensions_) e.enabled_extensions.emplace_back(name);
  return e;
}

uint32_t GpuDevice::memoryType(uint32_t type_bits, VkMemoryPropertyFlags wanted) const {
  for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (memory_.memoryTypes[i].propertyFlags & wanted) == wanted) return i;
  for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i)
    if (type_bits & (1u << i)) return i;
  throw Error("no Vulkan memory type fits an image");
}

}  // namespace vkpose::view
