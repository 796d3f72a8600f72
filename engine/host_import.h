// Host memory the GPU reads in place (VK_EXT_external_memory_host): the
// caller's pages are pinned and bound to a VkBuffer, so a frame decoded there
// needs no copy into staging. The import spans whole import-alignment units
// around the caller's range; where that unit is no larger than a page, the
// extra bytes lie in pages the caller's range already maps.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/context.h"

namespace vkpose {

class HostImport {
 public:
  // The import of [begin, begin + bytes), or null with `why` saying what
  // the device refused (no extension, an alignment unit larger than a page
  // around an unaligned range, no host-coherent memory type for the pointer,
  // the driver's refusal). Never throws for a refusal; `begin` must not be
  // null nor `bytes` zero.
  static std::unique_ptr<HostImport> create(Context& ctx, const void* begin, uint64_t bytes, std::string& why);
  ~HostImport();
  HostImport(const HostImport&) = delete;
  HostImport& operator=(const HostImport&) = delete;

  VkBuffer buffer() const { return buffer_; }
  const uint8_t* begin() const { return begin_; }  // the caller's range
  uint64_t bytes() const { return bytes_; }
  bool contains(const void* p, uint64_t bytes) const;
  // Where `p` (inside the caller's range) lies in buffer().
  uint64_t offsetOf(const void* p) const;
  uint64_t bufferBytes() const { return buffer_bytes_; }

 private:
  HostImport(VkDevice device, const uint8_t* begin, uint64_t bytes, const uint8_t* import_begin)
      : device_(device), begin_(begin), bytes_(bytes), import_begin_(import_begin) {}
  bool import(Context& ctx, uint64_t import_bytes, std::string& why);

  VkDevice device_;
  const uint8_t* begin_;
  uint64_t bytes_;
  const uint8_t* import_begin_;  // begin_ rounded down to the import alignment
  uint64_t buffer_bytes_ = 0;    // the import: whole alignment units
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
};

}  // namespace vkpose
