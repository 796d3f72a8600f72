// Buffers sub-allocated from large VkDeviceMemory blocks (one block serves
// many buffers; drivers cap the number of allocations), with host-visible
// memory persistently mapped and flushed/invalidated where not coherent.
#pragma once

#include "engine/vulkan_api.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/suballocator.h"

namespace vkpose {

enum class MemoryUsage {
  DeviceLocal,  // GPU-only tensors and weights
  Upload,       // host writes, GPU reads (staging)
  Readback,     // GPU writes, host reads (prefers cached memory)
};

class Allocator;

struct Allocation {
  uint32_t block = UINT32_MAX;  // index into the allocator's blocks
  uint64_t offset = 0;
  uint64_t size = 0;
};

// Move-only RAII buffer. Every buffer may be a storage buffer and a copy
// source/destination, which keeps the engine's binding code uniform.
class Buffer {
 public:
  Buffer() = default;
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  VkBuffer handle() const { return buffer_; }
  uint64_t size() const { return size_; }
  bool hostVisible() const { return mapped_ != nullptr; }
  explicit operator bool() const { return buffer_ != VK_NULL_HANDLE; }

  // Host access; only for Upload/Readback buffers. write() flushes and
  // read() invalidates when the memory is not host-coherent.
  void write(const void* data, uint64_t bytes, uint64_t offset = 0);
  void read(void* data, uint64_t bytes, uint64_t offset = 0) const;
  // For writing in place (the Estimator's in-place frames): the mapped bytes
  // (null unless host-visible), and the flush that makes `bytes` from
  // `offset` visible to the GPU when the memory is not host-coherent.
  uint8_t* mapped() const { return mapped_; }
  void flush(uint64_t bytes, uint64_t offset = 0) const;

 private:
  friend class Allocator;
  // Throws unless the buffer is mapped and [offset, offset + bytes) lies in it.
  void checkHostRange(const char* op, uint64_t bytes, uint64_t offset) const;
  void release();

  Allocator* owner_ = nullptr;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  uint64_t size_ = 0;
  Allocation allocation_;
  uint8_t* mapped_ = nullptr;  // points at this buffer's first byte when host-visible
};

struct MemoryStats {
  uint32_t blocks = 0;
  uint64_t block_bytes = 0;  // VkDeviceMemory allocated
  uint64_t used_bytes = 0;   // handed out to buffers
  uint32_t live_buffers = 0;
};

class Allocator {
 public:
  // Buffers larger than a block get a block of their own. 16 MiB rather than
  // 64: the first frame slot of PoseNet at 257 was created 10-25 ms sooner
  // on an H200 (performance.md, step 22), with 48 MiB of VkDeviceMemory
  // instead of 192.
  static constexpr uint64_t kDefaultBlockBytes = 16ull << 20;

  Allocator(VkPhysicalDevice physical, VkDevice device, uint64_t block_bytes = kDefaultBlockBytes);
  ~Allocator();
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  Buffer createBuffer(uint64_t size, MemoryUsage usage, VkBufferUsageFlags extra_usage = 0);
  MemoryStats stats() const;
  // Whether host addresses [begin, begin + bytes) share a byte with memory
  // this allocator mapped: live buffers and freed ones alike, as blocks stay
  // mapped until the allocator goes. The runtime refuses such pointers as
  // frames from the caller (a freed staging buffer's bytes are stale).
  bool mapsAddress(const void* begin, uint64_t bytes) const;
  VkDevice device() const { return device_; }

 private:
  friend class Buffer;
  struct Block {
    VkDeviceMemory memory = VK_NULL_HANDLE;
    uint32_t memory_type = 0;
    bool coherent = true;
    uint8_t* mapped = nullptr;
    RangeAllocator ranges{0};
  };

  uint32_t chooseMemoryType(uint32_t type_bits, MemoryUsage usage) const;
  Allocation allocate(const VkMemoryRequirements& req, uint32_t memory_type);
  uint32_t createBlock(uint32_t memory_type, uint64_t bytes);
  void free(const Allocation& allocation);
  void flush(const Allocation& allocation, uint64_t offset, uint64_t bytes) const;
  void invalidate(const Allocation& allocation, uint64_t offset, uint64_t bytes) const;
  VkMappedMemoryRange mappedRange(const Allocation& allocation, uint64_t offset, uint64_t bytes) const;

  VkPhysicalDevice physical_;
  VkDevice device_;
  uint64_t block_bytes_;
  VkPhysicalDeviceMemoryProperties memory_props_{};
  uint64_t non_coherent_atom_ = 1;
  std::vector<std::unique_ptr<Block>> blocks_;
  uint32_t live_buffers_ = 0;
};

}  // namespace vkpose
