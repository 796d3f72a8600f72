// The Vulkan instance, chosen device, compute queue and the engine-wide
// services built on them (allocator, pipeline cache, validation log).
#pragma once

#include "engine/vulkan_api.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/capabilities.h"
#include "engine/device_select.h"
#include "engine/memory.h"
#include "engine/validation.h"

namespace vkpose {

class PipelineCache;

struct ContextOptions {
  // Index or name substring; empty means the VKPOSE_DEVICE environment variable, else automatic.
  std::string device;
  // Unset means VKPOSE_VALIDATION from the environment, else the build default.
  std::optional<bool> validation;
  // Unset means VKPOSE_PIPELINE_CACHE from the environment, else
  // $XDG_CACHE_HOME/vkpose (or ~/.cache/vkpose); an empty string disables the disk cache.
  std::optional<std::string> pipeline_cache_path;
};

class Context {
 public:
  // Throws vkpose::Error with a readable message when there is no loader or no usable device.
  static std::unique_ptr<Context> create(const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physicalDevice() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queueFamily() const { return queue_family_; }
  const Capabilities& caps() const { return caps_; }
  const DeviceChoice& deviceChoice() const { return choice_; }
  bool validationEnabled() const { return messenger_ != VK_NULL_HANDLE; }
  ValidationLog& validationLog() { return validation_log_; }
  Allocator& allocator() { return *allocator_; }
  PipelineCache& pipelineCache() { return *pipeline_cache_; }

  // One-shot submission for set-up work (weight uploads); waits for idle.
  void submitAndWait(VkCommandBuffer cmd);

 private:
  Context() = default;
  void createInstance(bool validation, bool validation_required);
  void pickPhysicalDevice(const std::string& override_spec);
  void createDevice();

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  VkFence fence_ = VK_NULL_HANDLE;
  Capabilities caps_;
  DeviceChoice choice_;
  ValidationLog validation_log_;
  std::unique_ptr<Allocator> allocator_;
  std::unique_ptr<PipelineCache> pipeline_cache_;
};

std::string defaultPipelineCachePath();

}  // namespace vkpose
