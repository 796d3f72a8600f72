// The Vulkan instance, chosen device, compute queue and the engine-wide
// services built on them (allocator, pipeline cache, validation log).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/capabilities.h"
#include "engine/device_select.h"
#include "engine/memory.h"
#include "engine/validation.h"
#include "engine/vulkan_api.h"

namespace vkpose {

class PipelineCache;

inline constexpr uint32_t kMaxFrameQueues = 4;

struct ContextOptions {
  // Index or name substring; empty means the VKPOSE_DEVICE environment
  // variable, else automatic.
  std::string device;
  // Unset means VKPOSE_VALIDATION from the environment, else the build default.
  std::optional<bool> validation;
  // Unset means VKPOSE_PIPELINE_CACHE from the environment, else
  // $XDG_CACHE_HOME/vkpose (or ~/.cache/vkpose); an empty string disables the
  // disk cache.
  std::optional<std::string> pipeline_cache_path;
  // Queues created for frames, 1..kMaxFrameQueues (fewer where the queue
  // family has fewer); unset means kMaxFrameQueues. Each queue costs device
  // creation time: on an H200 vkCreateDevice took 72 ms with one queue, 90
  // with two and 136-143 with four (docs/performance.md, cold start).
  std::optional<uint32_t> frame_queues;
};

// A device a host engine already owns (docs/embedding.md). vkpose uses the
// handles and never destroys them; they must outlive every vkpose object made
// from them. The handles must come from the same Vulkan loader vkpose opens
// (libvulkan.so.1, or VKPOSE_VULKAN_LIBRARY). The queue is shared: vkpose
// submits to it from the thread that calls the Estimator, so the host must
// not use the queue from another thread at the same time (Vulkan requires
// external synchronisation of a VkQueue).
struct ExternalDevice {
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical_device = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  uint32_t queue_family = 0;  // must support compute
  VkQueue queue = VK_NULL_HANDLE;
  // What the host passed to vkCreateDevice. vkpose uses an optional feature
  // (16-bit storage, fp16 arithmetic, 8-bit storage, int8) only where this
  // chain (VkPhysicalDeviceVulkan11Features, ...Vulkan12Features,
  // ...16BitStorageFeatures, ...8BitStorageFeatures,
  // ...ShaderFloat16Int8Features) enables it, and an optional extension only
  // where it is listed. Null and empty mean none: fp32 only, which every
  // Vulkan 1.1 device runs.
  const VkPhysicalDeviceFeatures2* enabled_features = nullptr;
  std::vector<std::string> enabled_extensions;
};

// Where Context::create spent its time, in ms (all zero for adopt()'s own
// handles, except services). Cold start is measured with these (bench/).
struct ContextCreationTimes {
  double loader = 0;           // opening libvulkan.so.1 and resolving entry points
  double instance = 0;         // vkCreateInstance (with the validation layer when on)
  double physical_device = 0;  // enumerating the devices and their capabilities, choosing one
  double device = 0;           // vkCreateDevice and its queues
  double services = 0;         // fence, allocator, pipeline cache file read
};

class Context {
 public:
  // Throws vkpose::Error with a readable message when there is no loader or no
  // usable device.
  static std::unique_ptr<Context> create(const ContextOptions& options = {});
  // Uses the host's instance, device and queue (see ExternalDevice). Only
  // options.pipeline_cache_path is read: validation is whatever the host's
  // instance has. Throws vkpose::Error for a null handle, a queue family
  // without compute, or a device older than Vulkan 1.1.
  static std::unique_ptr<Context> adopt(const ExternalDevice& external, const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physicalDevice() const { return physical_; }
  VkDevice device() const { return device_; }
  // The queue for set-up work, GpuFrames and anything ordered against the
  // host's own submissions (an adopted device's only queue).
  VkQueue queue() const { return queue_; }
  // Queues for frames from host memory, queue() first: frames in flight on
  // different queues overlap on the GPU, so one frame's barriers leave the
  // units idle only if no other frame has work. One queue on an adopted
  // device or a driver with one; up to kMaxFrameQueues otherwise.
  VkQueue frameQueue(size_t slot) const { return frame_queues_[slot % frame_queues_.size()]; }
  size_t frameQueueCount() const { return frame_queues_.size(); }
  uint32_t queueFamily() const { return queue_family_; }
  const Capabilities& caps() const { return caps_; }
  const DeviceChoice& deviceChoice() const { return choice_; }
  bool validationEnabled() const { return messenger_ != VK_NULL_HANDLE; }
  const ContextCreationTimes& creationTimes() const { return creation_times_; }
  // Made by adopt(): the handles belong to the host.
  bool ownsDevice() const { return owns_device_; }
  ValidationLog& validationLog() { return validation_log_; }
  Allocator& allocator() { return *allocator_; }
  PipelineCache& pipelineCache() { return *pipeline_cache_; }

  // One-shot submission for set-up work (weight uploads); waits for idle.
  void submitAndWait(VkCommandBuffer cmd);

 private:
  Context() = default;
  void createInstance(bool validation, bool validation_required);
  void pickPhysicalDevice(const std::string& override_spec);
  void createDevice(uint32_t max_queues);
  void adoptHandles(const ExternalDevice& external);
  void createServices(const ContextOptions& options);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::vector<VkQueue> frame_queues_;
  uint32_t queue_family_ = 0;
  VkFence fence_ = VK_NULL_HANDLE;
  bool owns_device_ = true;
  ContextCreationTimes creation_times_;
  Capabilities caps_;
  DeviceChoice choice_;
  ValidationLog validation_log_;
  std::unique_ptr<Allocator> allocator_;
  std::unique_ptr<PipelineCache> pipeline_cache_;
};

std::string defaultPipelineCachePath();

}  // namespace vkpose
