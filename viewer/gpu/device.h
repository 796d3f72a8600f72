// The one VkDevice of the viewer, shared with the estimator: chosen like the
// engine chooses (VKPOSE_DEVICE, discrete first) among devices with a queue
// family that draws, computes and (with a window) presents. The estimator
// gets it through external() and submits to the same queue, so drawing a
// frame and estimating its pose need no semaphores between them.
#pragma once

#include "engine/vulkan_api.h"

#include <memory>
#include <vector>

#include "engine/capabilities.h"
#include "engine/context.h"
#include "engine/memory.h"
#include "viewer/gpu/instance.h"

namespace vkpose::view {

class GpuDevice {
 public:
  // `surface`: the window's (VK_NULL_HANDLE headless, which also leaves out
  // VK_KHR_swapchain). Throws vkpose::Error when no device fits.
  GpuDevice(GpuInstance& instance, VkSurfaceKHR surface);
  ~GpuDevice();
  GpuDevice(const GpuDevice&) = delete;
  GpuDevice& operator=(const GpuDevice&) = delete;

  GpuInstance& instance() { return instance_; }
  VkPhysicalDevice physical() const { return physical_; }
  VkDevice handle() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queueFamily() const { return family_; }
  const Capabilities& caps() const { return caps_; }
  Allocator& allocator() { return *allocator_; }
  const WsiDeviceFunctions& wsi() const { return wsi_; }
  bool timestamps() const { return timestamp_bits_ > 0; }
  uint32_t timestampBits() const { return timestamp_bits_; }

  // The handles and enabled features for EstimatorOptions::external_device.
  ExternalDevice external() const;
  // A memory type for an image (device-local preferred); throws when none fits.
  uint32_t memoryType(uint32_t type_bits, VkMemoryPropertyFlags wanted) const;

 private:
  void choosePhysical(VkSurfaceKHR surface);
  void createDevice(bool swapchain);

  GpuInstance& instance_;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t family_ = 0;
  uint32_t timestamp_bits_ = 0;
  Capabilities caps_;
  VkPhysicalDeviceMemoryProperties memory_{};
  // The feature chain given to vkCreateDevice; the estimator reads it too.
  VkPhysicalDeviceFeatures2 features_{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features v11_{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features v12_{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDevice16BitStorageFeatures storage16_{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  std::vector<const char*> extensions_;
  std::unique_ptr<Allocator> allocator_;
  WsiDeviceFunctions wsi_;
};

}  // namespace vkpose::view
