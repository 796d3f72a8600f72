// A VkPipelineCache persisted on disk, so the driver's shader compilation is
// paid once per device and driver. A file written for another device or
// driver, or damaged, is ignored with a warning.
#pragma once

#include "engine/vulkan_api.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/capabilities.h"

namespace vkpose {

// Why `data` can't seed a cache for this device, or empty if it can.
std::string pipelineCacheMismatch(std::span<const uint8_t> data, const VkPhysicalDeviceProperties& props);

class PipelineCache {
 public:
  // An empty path keeps the cache in memory only.
  PipelineCache(VkDevice device, const Capabilities& caps, std::string path);
  ~PipelineCache();  // writes the cache back when it has a path
  PipelineCache(const PipelineCache&) = delete;
  PipelineCache& operator=(const PipelineCache&) = delete;

  VkPipelineCache handle() const { return cache_; }
  const std::string& path() const { return path_; }
  bool loadedFromDisk() const { return loaded_; }
  const std::string& warning() const { return warning_; }  // why the file was ignored, if it was
  void save() const;

  // Pipelines created through this cache so far, and the time the driver
  // took for them (vkCreateComputePipelines), which cold start reports.
  void countCreation(double ms) {
    ++pipelines_created_;
    creation_ms_ += ms;
  }
  uint32_t pipelinesCreated() const { return pipelines_created_; }
  double creationMs() const { return creation_ms_; }

 private:
  std::vector<uint8_t> readValidFile(VkPhysicalDevice physical);

  VkDevice device_;
  std::string path_;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  bool loaded_ = false;
  std::string warning_;
  uint32_t pipelines_created_ = 0;
  double creation_ms_ = 0;
};

}  // namespace vkpose
