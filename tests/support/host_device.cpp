#include "tests/support/host_device.h"

#include <cstring>
#include <stdexcept>
#include <utility>

#include "engine/error.h"
#include "engine/validation.h"

namespace vkpose::test {

namespace {

int devicePreference(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

}  // namespace

HostDevice::HostDevice(bool enable_fp16_storage) {
  loadVulkan();
  createInstance();
  pickDevice();
  createDevice(enable_fp16_storage);
}

HostDevice::~HostDevice() {
  if (device_) vkDeviceWaitIdle(device_);
  if (fence_) vkDestroyFence(device_, fence_, nullptr);
  if (pool_) vkDestroyCommandPool(device_, pool_, nullptr);
  if (device_) vkDestroyDevice(device_, nullptr);
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

VkBool32 HostDevice::onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT, VkDebugUtilsMessageTypeFlagsEXT,
                               const VkDebugUtilsMessengerCallbackDataEXT* data, void* self) {
  auto* host = static_cast<HostDevice*>(self);
  std::lock_guard lock(host->messages_mutex_);
  host->messages_.push_back(data->pMessage ? data->pMessage : "(no message)");
  return VK_FALSE;
}

std::vector<std::string> HostDevice::takeValidationMessages() {
  std::lock_guard lock(messages_mutex_);
  return std::exchange(messages_, {});
}

void HostDevice::createInstance() {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "vkpose embedding test host";
  app.apiVersion = VK_API_VERSION_1_2;
  VkDebugUtilsMessengerCreateInfoEXT messenger{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messenger.pfnUserCallback = &HostDevice::onMessage;
  messenger.pUserData = this;
  const char* layers[] = {kValidationLayerName};
  const char* extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pNext = &messenger;
  info.pApplicationInfo = &app;
  info.enabledLayerCount = 1;
  info.ppEnabledLayerNames = layers;
  info.enabledExtensionCount = 1;
  info.ppEnabledExtensionNames = extensions;
  VKPOSE_VK(vkCreateInstance(&info, nullptr, &instance_));
  auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
      vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
  VKPOSE_VK(create(instance_, &messenger, nullptr, &messenger_));
}

// Like a game engine: the best device, one queue family with graphics and compute.
void HostDevice::pickDevice() {
  uint32_t count = 0;
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance_, &count, nullptr));
  std::vector<VkPhysicalDevice> devices(count);
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance_, &count, devices.data()));
  int best = 99;
  for (VkPhysicalDevice candidate : devices) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(candidate, &props);
    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(candidate, &families, nullptr);
    std::vector<VkQueueFamilyProperties> family_props(families);
    vkGetPhysicalDeviceQueueFamilyProperties(candidate, &families, family_props.data());
    for (uint32_t i = 0; i < families; ++i) {
      VkQueueFlags wanted = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
      if ((family_props[i].queueFlags & wanted) != wanted || devicePreference(props.deviceType) >= best) continue;
      best = devicePreference(props.deviceType);
      physical_ = candidate;
      queue_family_ = i;
      offset_alignment_ = props.limits.minStorageBufferOffsetAlignment;
    }
  }
  if (!physical_) throw std::runtime_error("HostDevice: no device with a graphics and compute queue");
}

void HostDevice::createDevice(bool enable_fp16_storage) {
  VkPhysicalDevice16BitStorageFeatures supported{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDeviceFeatures2 query{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  query.pNext = &supported;
  vkGetPhysicalDeviceFeatures2(physical_, &query);
  fp16_storage_ = enable_fp16_storage && supported.storageBuffer16BitAccess;
  storage16_.storageBuffer16BitAccess = fp16_storage_;
  features_.pNext = &storage16_;

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue.queueFamilyIndex = queue_family_;
  queue.queueCount = 1;
  queue.pQueuePriorities = &priority;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &features_;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue;
  VKPOSE_VK(vkCreateDevice(physical_, &info, nullptr, &device_));
  vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

  VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool.queueFamilyIndex = queue_family_;
  VKPOSE_VK(vkCreateCommandPool(device_, &pool, nullptr, &pool_));
  VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VKPOSE_VK(vkCreateFence(device_, &fence, nullptr, &fence_));
}

ExternalDevice HostDevice::external() const {
  ExternalDevice external;
  external.instance = instance_;
  external.physical_device = physical_;
  external.device = device_;
  external.queue_family = queue_family_;
  external.queue = queue_;
  external.enabled_features = &features_;
  return external;
}

uint32_t HostDevice::memoryType(uint32_t type_bits, VkMemoryPropertyFlags wanted) const {
  VkPhysicalDeviceMemoryProperties props;
  vkGetPhysicalDeviceMemoryProperties(physical_, &props);
  for (uint32_t i = 0; i < props.memoryTypeCount; ++i)
    if ((type_bits & (1u << i)) && (props.memoryTypes[i].propertyFlags & wanted) == wanted) return i;
  throw std::runtime_error("HostDevice: no memory type with the wanted properties");
}

VkCommandBuffer HostDevice::beginOneShot() {
  if (pending_) {  // the previous signalling submission
    VKPOSE_VK(vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX));
    vkFreeCommandBuffers(device_, pool_, 1, &pending_);
    pending_ = VK_NULL_HANDLE;
  }
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VKPOSE_VK(vkAllocateCommandBuffers(device_, &alloc, &cmd));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VKPOSE_VK(vkBeginCommandBuffer(cmd, &begin));
  return cmd;
}

void HostDevice::endOneShot(VkCommandBuffer cmd, VkSemaphore signal) {
  VKPOSE_VK(vkEndCommandBuffer(cmd));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  submit.signalSemaphoreCount = signal ? 1 : 0;
  submit.pSignalSemaphores = &signal;
  VKPOSE_VK(vkResetFences(device_, 1, &fence_));
  VKPOSE_VK(vkQueueSubmit(queue_, 1, &submit, fence_));
  if (signal) {
    pending_ = cmd;
    return;
  }
  VKPOSE_VK(vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX));
  vkFreeCommandBuffers(device_, pool_, 1, &cmd);
}

HostBuffer::HostBuffer(HostDevice& host, uint64_t bytes, VkBufferUsageFlags usage) : device(host.device()), size(bytes) {
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = bytes;
  info.usage = usage;
  VKPOSE_VK(vkCreateBuffer(device, &info, nullptr, &buffer));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device, buffer, &req);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex =
      host.memoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  VKPOSE_VK(vkAllocateMemory(device, &alloc, nullptr, &memory));
  VKPOSE_VK(vkBindBufferMemory(device, buffer, memory, 0));
  VKPOSE_VK(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &mapped));
}

HostBuffer::~HostBuffer() {
  vkDestroyBuffer(device, buffer, nullptr);
  vkFreeMemory(device, memory, nullptr);
}

void HostBuffer::write(uint64_t offset, const void* data, uint64_t bytes) {
  if (offset + bytes > size) throw std::runtime_error("HostBuffer::write past the end");
  std::memcpy(static_cast<uint8_t*>(mapped) + offset, data, bytes);
}

HostImage::HostImage(HostDevice& host, int w, int h, VkFormat f, VkImageUsageFlags usage)
    : device(host.device()), width(w), height(h), format(f) {
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = format;
  info.extent = {uint32_t(width), uint32_t(height), 1};
  info.mipLevels = 1;
  info.arrayLayers = 1;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = usage | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  VKPOSE_VK(vkCreateImage(device, &info, nullptr, &image));
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(device, image, &req);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = host.memoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  VKPOSE_VK(vkAllocateMemory(device, &alloc, nullptr, &memory));
  VKPOSE_VK(vkBindImageMemory(device, image, memory, 0));
}

HostImage::~HostImage() {
  vkDestroyImage(device, image, nullptr);
  vkFreeMemory(device, memory, nullptr);
}

void HostImage::upload(HostDevice& host, const std::vector<uint8_t>& pixels, VkImageLayout final_layout,
                       VkSemaphore signal) {
  staging = std::make_unique<HostBuffer>(host, pixels.size(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT);
  staging->write(0, pixels.data(), pixels.size());
  auto record = [&](VkCommandBuffer cmd) {
    VkImageMemoryBarrier to_dst{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    to_dst.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_dst.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    to_dst.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_dst.srcQueueFamilyIndex = to_dst.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_dst.image = image;
    to_dst.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &to_dst);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {uint32_t(width), uint32_t(height), 1};
    vkCmdCopyBufferToImage(cmd, staging->buffer, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    // The host engine's hand-over as docs/embedding.md asks: the image in
    // the layout vkpose is told, transitioned before compute shaders run.
    VkImageMemoryBarrier to_final = to_dst;
    to_final.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_final.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    to_final.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_final.newLayout = final_layout;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &to_final);
  };
  if (signal)
    host.submitSignalling(signal, record);
  else
    host.submitAndWait(record);
}

}  // namespace vkpose::test
