#include "engine/pipeline_cache.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/error.h"

namespace vkpose {

namespace {

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

std::string pipelineCacheMismatch(std::span<const uint8_t> data, const VkPhysicalDeviceProperties& props) {
  VkPipelineCacheHeaderVersionOne header;
  if (data.size() < sizeof header) return "file is shorter than a pipeline cache header";
  std::memcpy(&header, data.data(), sizeof header);
  if (header.headerSize < sizeof header || header.headerSize > data.size()) return "header size field is invalid";
  if (header.headerVersion != VK_PIPELINE_CACHE_HEADER_VERSION_ONE) return "unknown header version";
  if (header.vendorID != props.vendorID || header.deviceID != props.deviceID) return "written for another device";
  if (std::memcmp(header.pipelineCacheUUID, props.pipelineCacheUUID, VK_UUID_SIZE) != 0)
    return "written by another driver version";
  return {};
}

PipelineCache::PipelineCache(VkDevice device, const Capabilities& caps, std::string path)
    : device_(device), path_(std::move(path)) {
  std::vector<uint8_t> initial;
  if (!path_.empty()) {
    initial = readFile(path_);
    VkPhysicalDeviceProperties props{};
    props.vendorID = caps.vendor_id;
    props.deviceID = caps.device_id;
    std::memcpy(props.pipelineCacheUUID, caps.pipeline_cache_uuid.data(), VK_UUID_SIZE);
    if (!initial.empty()) {
      warning_ = pipelineCacheMismatch(initial, props);
      if (!warning_.empty()) {
        std::fprintf(stderr, "vkpose: warning: ignoring pipeline cache %s: %s\n", path_.c_str(), warning_.c_str());
        initial.clear();
      }
    }
  }
  VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  info.initialDataSize = initial.size();
  info.pInitialData = initial.empty() ? nullptr : initial.data();
  VkResult r = vkCreatePipelineCache(device_, &info, nullptr, &cache_);
  if (r != VK_SUCCESS && !initial.empty()) {
    // The header matched but the driver rejected the body: start empty.
    std::fprintf(stderr, "vkpose: warning: ignoring pipeline cache %s: driver rejected it (%s)\n", path_.c_str(),
                 vkResultName(r));
    warning_ = "driver rejected the cache contents";
    info.initialDataSize = 0;
    info.pInitialData = nullptr;
    initial.clear();
    r = vkCreatePipelineCache(device_, &info, nullptr, &cache_);
  }
  VKPOSE_VK(r);
  loaded_ = !initial.empty();
}

PipelineCache::~PipelineCache() {
  try {
    save();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose: warning: could not save pipeline cache: %s\n", e.what());
  }
  vkDestroyPipelineCache(device_, cache_, nullptr);
}

void PipelineCache::save() const {
  if (path_.empty()) return;
  size_t size = 0;
  VKPOSE_VK(vkGetPipelineCacheData(device_, cache_, &size, nullptr));
  std::vector<uint8_t> data(size);
  VKPOSE_VK(vkGetPipelineCacheData(device_, cache_, &size, data.data()));
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  // Write beside and rename, so a crash mid-write never leaves a torn cache.
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(size));
    if (!out) throw Error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path_, ec);
  if (ec) throw Error("cannot rename " + tmp + " to " + path_ + ": " + ec.message());
}

}  // namespace vkpose
