// A stand-in for a host engine: its own VkInstance (with the validation layer
// and a messenger of its own), VkDevice and queue, created without vkpose's
// Context, plus the images and buffers such an engine would render frames
// into. The embedding tests hand these to the Estimator.
#pragma once

#include "engine/vulkan_api.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/context.h"

namespace vkpose::test {

class HostDevice {
 public:
  // enable_fp16_storage: turn on storageBuffer16BitAccess where the device has it.
  explicit HostDevice(bool enable_fp16_storage = false);
  ~HostDevice();
  HostDevice(const HostDevice&) = delete;
  HostDevice& operator=(const HostDevice&) = delete;

  // The handles and enabled features, as EstimatorOptions::external_device.
  ExternalDevice external() const;
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queueFamily() const { return queue_family_; }
  uint64_t storageOffsetAlignment() const { return offset_alignment_; }
  bool fp16StorageEnabled() const { return fp16_storage_; }

  // Messages from the host's own validation layer (vkpose's calls on the
  // host's device land here too), cleared by the call.
  std::vector<std::string> takeValidationMessages();

  // One-shot command buffer on the host's queue; waits for it.
  template <class Record>
  void submitAndWait(Record record) {
    VkCommandBuffer cmd = beginOneShot();
    record(cmd);
    endOneShot(cmd, VK_NULL_HANDLE);
  }
  // The same, signalling `signal` and returning without waiting (the
  // command buffer is freed by the next one-shot or the destructor).
  template <class Record>
  void submitSignalling(VkSemaphore signal, Record record) {
    VkCommandBuffer cmd = beginOneShot();
    record(cmd);
    endOneShot(cmd, signal);
  }

  uint32_t memoryType(uint32_t type_bits, VkMemoryPropertyFlags wanted) const;

 private:
  void createInstance();
  void pickDevice();
  void createDevice(bool enable_fp16_storage);
  VkCommandBuffer beginOneShot();
  void endOneShot(VkCommandBuffer cmd, VkSemaphore signal);
  static VKAPI_ATTR VkBool32 VKAPI_CALL onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                  VkDebugUtilsMessageTypeFlagsEXT types,
                                                  const VkDebugUtilsMessengerCallbackDataEXT* data, void* self);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  uint64_t offset_alignment_ = 1;
  bool fp16_storage_ = false;
  VkPhysicalDeviceFeatures2 features_{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDevice16BitStorageFeatures storage16_{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer pending_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  std::mutex messages_mutex_;
  std::vector<std::string> messages_;
};

// A host-visible buffer or a device image on a HostDevice, freed with it.
struct HostBuffer {
  HostBuffer(HostDevice& host, uint64_t bytes, VkBufferUsageFlags usage);
  ~HostBuffer();
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  void write(uint64_t offset, const void* data, uint64_t bytes);

  VkDevice device;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  void* mapped = nullptr;
  uint64_t size = 0;
};

struct HostImage {
  HostImage(HostDevice& host, int width, int height, VkFormat format, VkImageUsageFlags usage);
  ~HostImage();
  HostImage(const HostImage&) = delete;
  HostImage& operator=(const HostImage&) = delete;
  // Copies tightly packed 4-byte pixels in through a staging buffer and
  // leaves the image in `final_layout`, as a host engine's upload would.
  void upload(HostDevice& host, const std::vector<uint8_t>& pixels, VkImageLayout final_layout,
              VkSemaphore signal = VK_NULL_HANDLE);

  VkDevice device;
  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  int width, height;
  VkFormat format;
  std::unique_ptr<HostBuffer> staging;  // kept until the upload has finished
};

}  // namespace vkpose::test
