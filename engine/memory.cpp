#include "engine/memory.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "engine/address_range.h"
#include "engine/error.h"

namespace vkpose {

// ---- Buffer ---------------------------------------------------------------

Buffer::Buffer(Buffer&& other) noexcept { *this = std::move(other); }

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
    size_ = std::exchange(other.size_, 0);
    allocation_ = std::exchange(other.allocation_, Allocation{});
    mapped_ = std::exchange(other.mapped_, nullptr);
  }
  return *this;
}

Buffer::~Buffer() { release(); }

void Buffer::release() {
  if (!owner_) return;
  vkDestroyBuffer(owner_->device(), buffer_, nullptr);
  owner_->free(allocation_);
  owner_ = nullptr;
  buffer_ = VK_NULL_HANDLE;
  mapped_ = nullptr;
}

void Buffer::checkHostRange(const char* op, uint64_t bytes, uint64_t offset) const {
  if (!mapped_) throw Error(std::string("Buffer::") + op + " on a buffer that is not host-visible");
  if (offset + bytes > size_)
    throw Error(std::string("Buffer::") + op + " of " + std::to_string(bytes) + " bytes at " + std::to_string(offset) +
                " overruns the buffer's " + std::to_string(size_) + " bytes");
}

void Buffer::write(const void* data, uint64_t bytes, uint64_t offset) {
  checkHostRange("write", bytes, offset);
  std::memcpy(mapped_ + offset, data, bytes);
  owner_->flush(allocation_, offset, bytes);
}

void Buffer::flush(uint64_t bytes, uint64_t offset) const {
  checkHostRange("flush", bytes, offset);
  owner_->flush(allocation_, offset, bytes);
}

void Buffer::read(void* data, uint64_t bytes, uint64_t offset) const {
  checkHostRange("read", bytes, offset);
  owner_->invalidate(allocation_, offset, bytes);
  std::memcpy(data, mapped_ + offset, bytes);
}

// ---- Allocator ------------------------------------------------------------

Allocator::Allocator(VkPhysicalDevice physical, VkDevice device, uint64_t block_bytes)
    : physical_(physical), device_(device), block_bytes_(block_bytes) {
  vkGetPhysicalDeviceMemoryProperties(physical, &memory_props_);
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physical, &props);
  non_coherent_atom_ = std::max<uint64_t>(1, props.limits.nonCoherentAtomSize);
}

Allocator::~Allocator() {
  for (auto& block : blocks_) {
    if (block->mapped) vkUnmapMemory(device_, block->memory);
    vkFreeMemory(device_, block->memory, nullptr);
  }
}

uint32_t Allocator::chooseMemoryType(uint32_t type_bits, MemoryUsage usage) const {
  VkMemoryPropertyFlags required = 0, preferred = 0;
  switch (usage) {
    case MemoryUsage::DeviceLocal: preferred = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT; break;
    case MemoryUsage::Upload:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
      preferred = VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      break;
    case MemoryUsage::Readback:
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
      preferred = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
      break;
  }
  int best = -1, best_score = -1;
  for (uint32_t i = 0; i < memory_props_.memoryTypeCount; ++i) {
    VkMemoryPropertyFlags flags = memory_props_.memoryTypes[i].propertyFlags;
    if (!(type_bits & (1u << i)) || (flags & required) != required) continue;
    int score = (flags & preferred) == preferred ? 2 : 0;
    // Host-visible device memory (BAR) is scarce: keep it out of pure GPU use.
    if (usage == MemoryUsage::DeviceLocal && !(flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)) score += 1;
    // ...but it suits frame staging: the host writes each byte once (write-
    // combined, sequential), while the preprocessing shader's bilinear taps
    // would otherwise read across PCIe (0.15 ms for a 1280x720 frame at
    // input 513 on an H200, docs/performance.md).
    if (usage == MemoryUsage::Upload && (flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) score += 1;
    if (score > best_score) best = int(i), best_score = score;
  }
  if (best < 0) throw Error("no Vulkan memory type suits the requested buffer usage");
  return uint32_t(best);
}

uint32_t Allocator::createBlock(uint32_t memory_type, uint64_t bytes) {
  auto block = std::make_unique<Block>();
  VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  info.allocationSize = bytes;
  info.memoryTypeIndex = memory_type;
  VKPOSE_VK(vkAllocateMemory(device_, &info, nullptr, &block->memory));
  VkMemoryPropertyFlags flags = memory_props_.memoryTypes[memory_type].propertyFlags;
  block->memory_type = memory_type;
  block->coherent = (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) != 0;
  block->ranges = RangeAllocator(bytes);
  if (flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
    void* ptr = nullptr;
    VkResult r = vkMapMemory(device_, block->memory, 0, VK_WHOLE_SIZE, 0, &ptr);
    if (r != VK_SUCCESS) vkFreeMemory(device_, block->memory, nullptr);
    VKPOSE_VK(r);
    block->mapped = static_cast<uint8_t*>(ptr);
  }
  blocks_.push_back(std::move(block));
  return uint32_t(blocks_.size() - 1);
}

Allocation Allocator::allocate(const VkMemoryRequirements& req, uint32_t memory_type) {
  bool host_visible = memory_props_.memoryTypes[memory_type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
  // Non-coherent ranges are flushed in whole atoms; aligning to the atom keeps
  // one buffer's flush from touching its neighbour's bytes.
  uint64_t alignment = host_visible ? std::max<uint64_t>(req.alignment, non_coherent_atom_) : req.alignment;
  uint64_t size = (req.size + alignment - 1) / alignment * alignment;
  for (uint32_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i]->memory_type != memory_type) continue;
    if (auto offset = blocks_[i]->ranges.allocate(size, alignment)) return {i, *offset, size};
  }
  uint32_t index = createBlock(memory_type, std::max(block_bytes_, size));
  auto offset = blocks_[index]->ranges.allocate(size, alignment);
  return {index, offset.value(), size};
}

bool Allocator::mapsAddress(const void* begin, uint64_t bytes) const {
  return std::any_of(blocks_.begin(), blocks_.end(), [&](const auto& block) {
    return block->mapped && overlaps(begin, bytes, block->mapped, block->ranges.capacity());
  });
}

void Allocator::free(const Allocation& allocation) {
  blocks_.at(allocation.block)->ranges.free(allocation.offset);
  --live_buffers_;
}

Buffer Allocator::createBuffer(uint64_t size, MemoryUsage usage, VkBufferUsageFlags extra_usage) {
  if (size == 0) throw Error("Allocator::createBuffer: size must be > 0");
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  // Any buffer may be a kernel's input, read through a texel view on CPU devices.
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | extra_usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  Buffer buffer;
  VKPOSE_VK(vkCreateBuffer(device_, &info, nullptr, &buffer.buffer_));
  buffer.owner_ = this;  // from here on the destructor cleans up on failure
  buffer.size_ = size;
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, buffer.buffer_, &req);
  uint32_t type = chooseMemoryType(req.memoryTypeBits, usage);
  Allocation allocation = allocate(req, type);
  ++live_buffers_;
  buffer.allocation_ = allocation;
  Block& block = *blocks_[allocation.block];
  VKPOSE_VK(vkBindBufferMemory(device_, buffer.buffer_, block.memory, allocation.offset));
  if (block.mapped) buffer.mapped_ = block.mapped + allocation.offset;
  return buffer;
}

VkMappedMemoryRange Allocator::mappedRange(const Allocation& allocation, uint64_t offset, uint64_t bytes) const {
  uint64_t begin = (allocation.offset + offset) / non_coherent_atom_ * non_coherent_atom_;
  uint64_t end = allocation.offset + offset + bytes;
  end = (end + non_coherent_atom_ - 1) / non_coherent_atom_ * non_coherent_atom_;
  const Block& block = *blocks_[allocation.block];
  end = std::min(end, block.ranges.capacity());
  VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE};
  range.memory = block.memory;
  range.offset = begin;
  range.size = end == block.ranges.capacity() ? VK_WHOLE_SIZE : end - begin;
  return range;
}

void Allocator::flush(const Allocation& allocation, uint64_t offset, uint64_t bytes) const {
  if (blocks_[allocation.block]->coherent || bytes == 0) return;
  VkMappedMemoryRange range = mappedRange(allocation, offset, bytes);
  VKPOSE_VK(vkFlushMappedMemoryRanges(device_, 1, &range));
}

void Allocator::invalidate(const Allocation& allocation, uint64_t offset, uint64_t bytes) const {
  if (blocks_[allocation.block]->coherent || bytes == 0) return;
  VkMappedMemoryRange range = mappedRange(allocation, offset, bytes);
  VKPOSE_VK(vkInvalidateMappedMemoryRanges(device_, 1, &range));
}

MemoryStats Allocator::stats() const {
  MemoryStats s;
  for (const auto& block : blocks_) {
    ++s.blocks;
    s.block_bytes += block->ranges.capacity();
    s.used_bytes += block->ranges.bytesInUse();
  }
  s.live_buffers = live_buffers_;
  return s;
}

}  // namespace vkpose
