#include "engine/host_import.h"

#include <unistd.h>

#include "engine/error.h"

namespace vkpose {

namespace {

uint64_t pageBytes() {
  long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? uint64_t(page) : 4096;
}

// A host-visible, host-coherent type among `bits`: the caller writes frames
// with plain stores and no flush, which only coherent memory makes visible.
int coherentHostType(VkPhysicalDevice physical, uint32_t bits) {
  VkPhysicalDeviceMemoryProperties props;
  vkGetPhysicalDeviceMemoryProperties(physical, &props);
  const VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  for (uint32_t i = 0; i < props.memoryTypeCount; ++i)
    if ((bits & (1u << i)) && (props.memoryTypes[i].propertyFlags & want) == want) return int(i);
  return -1;
}

std::string resultText(VkResult r) { return "VkResult " + std::to_string(int(r)); }

}  // namespace

std::unique_ptr<HostImport> HostImport::create(Context& ctx, const void* begin, uint64_t bytes, std::string& why) {
  uint64_t unit = ctx.caps().host_import_alignment;
  if (!unit) {
    why = "the device (or the host's VkDevice) has no VK_EXT_external_memory_host enabled";
    return nullptr;
  }
  auto first = reinterpret_cast<uintptr_t>(begin), last = first + bytes;
  uintptr_t import_first = first / unit * unit, import_last = (last + unit - 1) / unit * unit;
  if (unit > pageBytes() && (import_first != first || import_last != last)) {
    why = "the device imports host memory in " + std::to_string(unit) +
          "-byte units, more than a page: align the range's start and end to that";
    return nullptr;
  }
  std::unique_ptr<HostImport> imported(new HostImport(ctx.device(), static_cast<const uint8_t*>(begin), bytes,
                                                      reinterpret_cast<const uint8_t*>(import_first)));
  if (!imported->import(ctx, import_last - import_first, why)) return nullptr;
  return imported;
}

bool HostImport::import(Context& ctx, uint64_t import_bytes, std::string& why) {
  auto properties = reinterpret_cast<PFN_vkGetMemoryHostPointerPropertiesEXT>(
      vkGetDeviceProcAddr(device_, "vkGetMemoryHostPointerPropertiesEXT"));
  if (!properties) {
    why = "the driver does not expose vkGetMemoryHostPointerPropertiesEXT";
    return false;
  }
  const auto handle_type = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
  VkMemoryHostPointerPropertiesEXT pointer{VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT};
  if (VkResult r = properties(device_, handle_type, import_begin_, &pointer); r != VK_SUCCESS) {
    why = "the driver cannot import this pointer (" + resultText(r) + ")";
    return false;
  }
  VkExternalMemoryBufferCreateInfo external{VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO};
  external.handleTypes = handle_type;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.pNext = &external;
  info.size = import_bytes;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VKPOSE_VK(vkCreateBuffer(device_, &info, nullptr, &buffer_));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, buffer_, &req);
  int type = coherentHostType(ctx.physicalDevice(), req.memoryTypeBits & pointer.memoryTypeBits);
  if (type < 0) {
    why = "no host-coherent memory type can hold this pointer as a buffer";
    return false;
  }
  VkImportMemoryHostPointerInfoEXT host{VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT};
  host.handleType = handle_type;
  host.pHostPointer = const_cast<uint8_t*>(import_begin_);  // the GPU only reads it
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.pNext = &host;
  alloc.allocationSize = import_bytes;
  alloc.memoryTypeIndex = uint32_t(type);
  if (VkResult r = vkAllocateMemory(device_, &alloc, nullptr, &memory_); r != VK_SUCCESS) {
    memory_ = VK_NULL_HANDLE;
    why = "the driver refused to import the memory (" + resultText(r) + ")";
    return false;
  }
  VKPOSE_VK(vkBindBufferMemory(device_, buffer_, memory_, 0));
  buffer_bytes_ = import_bytes;
  return true;
}

HostImport::~HostImport() {
  vkDestroyBuffer(device_, buffer_, nullptr);
  vkFreeMemory(device_, memory_, nullptr);
}

bool HostImport::contains(const void* p, uint64_t bytes) const {
  auto first = reinterpret_cast<uintptr_t>(p), own = reinterpret_cast<uintptr_t>(begin_);
  return first >= own && bytes <= bytes_ && first - own <= bytes_ - bytes;
}

uint64_t HostImport::offsetOf(const void* p) const {
  return uint64_t(static_cast<const uint8_t*>(p) - import_begin_);
}

}  // namespace vkpose
