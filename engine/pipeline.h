// Compute pipelines built from embedded SPIR-V. Kernels bind buffers (set 0;
// after any image bindings, which come first): storage buffers, or read-only
// uniform texel buffers where the desc marks them. They take their workgroup
// size from specialization constants 0-2 and any further constants from id 3
// on.
#pragma once

#include "engine/vulkan_api.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vkpose {

class Context;
class Buffer;

// Push-constant blocks are mirrored by C++ structs; Vulkan guarantees only 128 bytes.
inline constexpr uint32_t kMaxPushConstantBytes = 128;
#define VKPOSE_PUSH_CONSTANTS(Type) \
  static_assert(sizeof(Type) <= ::vkpose::kMaxPushConstantBytes, #Type " exceeds the 128-byte push constant budget")

struct PipelineDesc {
  std::string shader;  // embedded variant name, e.g. "conv2d_relu_fp32"
  uint32_t storage_buffers = 0;
  uint32_t push_constant_bytes = 0;
  std::array<uint32_t, 3> local_size{64, 1, 1};
  std::vector<uint32_t> spec_constants;  // ids 3, 4, ...
  // Bindings 0..k-1 when set (COMBINED_IMAGE_SAMPLER or STORAGE_IMAGE); the
  // storage buffers then start at binding k. Only frames from a host engine's
  // images need them.
  std::vector<VkDescriptorType> image_bindings;
  // Bit i set: buffer binding i is a uniform texel buffer of texel_format
  // instead of a storage buffer (tensor_io.glsl's LOAD_TEXEL kernels).
  uint32_t texel_buffers = 0;
  VkFormat texel_format = VK_FORMAT_UNDEFINED;

  bool isTexelBuffer(uint32_t buffer_index) const { return (texel_buffers >> buffer_index & 1u) != 0; }
  VkDescriptorType bufferType(uint32_t buffer_index) const {
    return isTexelBuffer(buffer_index) ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  }
};

class Pipeline {
 public:
  Pipeline(Context& ctx, const PipelineDesc& desc);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  VkPipeline handle() const { return pipeline_; }
  VkPipelineLayout layout() const { return layout_; }
  VkDescriptorSetLayout setLayout() const { return set_layout_; }
  const PipelineDesc& desc() const { return desc_; }

 private:
  void create(Context& ctx);
  void destroyHandles();

  VkDevice device_;
  PipelineDesc desc_;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
};

struct BufferBinding {
  VkBuffer buffer = VK_NULL_HANDLE;
  uint64_t offset = 0;
  uint64_t range = VK_WHOLE_SIZE;
};
BufferBinding bind(const Buffer& buffer);

struct ImageBinding {
  VkImageView view = VK_NULL_HANDLE;
  VkImageLayout layout = VK_IMAGE_LAYOUT_GENERAL;
  VkSampler sampler = VK_NULL_HANDLE;  // combined image samplers only
};

// Descriptor sets are allocated once when a plan is recorded and live as
// long as the arena, as do the buffer views of texel-buffer bindings; nothing
// is allocated or updated per frame.
class DescriptorArena {
 public:
  explicit DescriptorArena(Context& ctx, uint32_t sets_per_pool = 64);
  ~DescriptorArena();
  DescriptorArena(const DescriptorArena&) = delete;
  DescriptorArena& operator=(const DescriptorArena&) = delete;

  VkDescriptorSet allocate(const Pipeline& pipeline, std::span<const BufferBinding> buffers);
  VkDescriptorSet allocate(const Pipeline& pipeline, std::span<const ImageBinding> images,
                           std::span<const BufferBinding> buffers);

 private:
  VkDescriptorPool newPool();
  VkDescriptorSet allocateSet(const Pipeline& pipeline);
  // Throws when the binding breaks the device's texel-buffer limits.
  VkBufferView createTexelView(const PipelineDesc& desc, const BufferBinding& binding);

  VkDevice device_;
  uint32_t sets_per_pool_;
  uint64_t texel_offset_alignment_;
  uint64_t max_texel_elements_;
  std::vector<VkDescriptorPool> pools_;
  std::vector<VkBufferView> views_;
};

}  // namespace vkpose
