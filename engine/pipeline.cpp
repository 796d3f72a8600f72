#include "engine/pipeline.h"

#include <algorithm>
#include <iterator>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/pipeline_cache.h"
#include "engine/timed.h"
#include "shader_registry.h"

namespace vkpose {

namespace {

// Bytes per texel of the formats kernels read tensors through.
uint64_t formatTexelBytes(VkFormat format) {
  switch (format) {
    case VK_FORMAT_R32G32B32A32_SFLOAT: return 16;
    case VK_FORMAT_R16G16B16A16_SFLOAT: return 8;
    default: throw Error("texel buffer format " + std::to_string(int(format)) + " is not one vkpose reads");
  }
}

// Storage buffers per set: enough for any kernel here (input, output, weights, bias, extras).
constexpr uint32_t kMaxBindingsPerSet = 8;
constexpr uint32_t kMaxImageBindingsPerSet = 1;

VkShaderModule createModule(VkDevice device, const std::string& name) {
  const shaders::SpirvBlob* blob = shaders::find(name);
  if (!blob) throw Error("no embedded SPIR-V named '" + name + "' (was the variant added to shaders/CMakeLists.txt?)");
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = blob->word_count * 4;
  info.pCode = blob->words;
  VkShaderModule module = VK_NULL_HANDLE;
  VKPOSE_VK(vkCreateShaderModule(device, &info, nullptr, &module));
  return module;
}

}  // namespace

Pipeline::Pipeline(Context& ctx, const PipelineDesc& desc) : device_(ctx.device()), desc_(desc) {
  try {
    create(ctx);
  } catch (...) {
    destroyHandles();  // the destructor won't run for a constructor that throws
    throw;
  }
}

void Pipeline::create(Context& ctx) {
  const PipelineDesc& desc = desc_;
  if (desc.push_constant_bytes > kMaxPushConstantBytes)
    throw Error("pipeline " + desc.shader + ": push constants exceed 128 bytes");
  if (desc.storage_buffers > kMaxBindingsPerSet || desc.image_bindings.size() > kMaxImageBindingsPerSet)
    throw Error("pipeline " + desc.shader + ": too many bindings");
  if ((desc.texel_buffers >> desc.storage_buffers) != 0)
    throw Error("pipeline " + desc.shader + ": a texel buffer is marked past its " +
                std::to_string(desc.storage_buffers) + " buffers");
  if (desc.texel_buffers != 0 && desc.texel_format == VK_FORMAT_UNDEFINED)
    throw Error("pipeline " + desc.shader + ": texel buffers need a texel format");

  std::vector<VkDescriptorSetLayoutBinding> bindings;
  for (VkDescriptorType type : desc.image_bindings)
    bindings.push_back({uint32_t(bindings.size()), type, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr});
  for (uint32_t i = 0; i < desc.storage_buffers; ++i)
    bindings.push_back({uint32_t(bindings.size()), desc.bufferType(i), 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr});
  VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  set_info.bindingCount = uint32_t(bindings.size());
  set_info.pBindings = bindings.data();
  VKPOSE_VK(vkCreateDescriptorSetLayout(device_, &set_info, nullptr, &set_layout_));

  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, desc.push_constant_bytes};
  VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &set_layout_;
  layout_info.pushConstantRangeCount = desc.push_constant_bytes ? 1 : 0;
  layout_info.pPushConstantRanges = &push;
  VKPOSE_VK(vkCreatePipelineLayout(device_, &layout_info, nullptr, &layout_));

  std::vector<uint32_t> values{desc.local_size[0], desc.local_size[1], desc.local_size[2]};
  values.insert(values.end(), desc.spec_constants.begin(), desc.spec_constants.end());
  std::vector<VkSpecializationMapEntry> entries(values.size());
  for (uint32_t i = 0; i < values.size(); ++i) entries[i] = {i, i * 4, 4};
  VkSpecializationInfo spec{uint32_t(entries.size()), entries.data(), values.size() * 4, values.data()};

  VkShaderModule module = createModule(device_, desc.shader);
  VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  info.stage.module = module;
  info.stage.pName = "main";
  info.stage.pSpecializationInfo = &spec;
  info.layout = layout_;
  VkResult r = VK_SUCCESS;
  double ms = 0;
  timed(ms, [&] { r = vkCreateComputePipelines(device_, ctx.pipelineCache().handle(), 1, &info, nullptr, &pipeline_); });
  ctx.pipelineCache().countCreation(ms);
  vkDestroyShaderModule(device_, module, nullptr);
  VKPOSE_VK(r);
}

Pipeline::~Pipeline() { destroyHandles(); }

void Pipeline::destroyHandles() {
  vkDestroyPipeline(device_, pipeline_, nullptr);
  vkDestroyPipelineLayout(device_, layout_, nullptr);
  vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
  pipeline_ = VK_NULL_HANDLE;
  layout_ = VK_NULL_HANDLE;
  set_layout_ = VK_NULL_HANDLE;
}

BufferBinding bind(const Buffer& buffer) { return {buffer.handle(), 0, buffer.size()}; }

DescriptorArena::DescriptorArena(Context& ctx, uint32_t sets_per_pool)
    : device_(ctx.device()),
      sets_per_pool_(sets_per_pool),
      texel_offset_alignment_(std::max<uint64_t>(1, ctx.caps().min_texel_buffer_offset_alignment)),
      max_texel_elements_(ctx.caps().max_texel_buffer_elements) {}

DescriptorArena::~DescriptorArena() {
  for (VkDescriptorPool pool : pools_) vkDestroyDescriptorPool(device_, pool, nullptr);
  for (VkBufferView view : views_) vkDestroyBufferView(device_, view, nullptr);
}

VkDescriptorPool DescriptorArena::newPool() {
  VkDescriptorPoolSize sizes[] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets_per_pool_ * kMaxBindingsPerSet},
      {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, sets_per_pool_ * kMaxImageBindingsPerSet},
      {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, sets_per_pool_ * kMaxImageBindingsPerSet},
      {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, sets_per_pool_ * kMaxBindingsPerSet},
  };
  VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  info.maxSets = sets_per_pool_;
  info.poolSizeCount = uint32_t(std::size(sizes));
  info.pPoolSizes = sizes;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  VKPOSE_VK(vkCreateDescriptorPool(device_, &info, nullptr, &pool));
  pools_.push_back(pool);
  return pool;
}

VkDescriptorSet DescriptorArena::allocateSet(const Pipeline& pipeline) {
  VkDescriptorSetLayout layout = pipeline.setLayout();
  VkDescriptorSetAllocateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  info.descriptorSetCount = 1;
  info.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  info.descriptorPool = pools_.empty() ? newPool() : pools_.back();
  VkResult r = vkAllocateDescriptorSets(device_, &info, &set);
  if (r == VK_ERROR_OUT_OF_POOL_MEMORY || r == VK_ERROR_FRAGMENTED_POOL) {
    info.descriptorPool = newPool();
    r = vkAllocateDescriptorSets(device_, &info, &set);
  }
  VKPOSE_VK(r);
  return set;
}

VkBufferView DescriptorArena::createTexelView(const PipelineDesc& desc, const BufferBinding& binding) {
  uint64_t texel_bytes = formatTexelBytes(desc.texel_format);
  if (binding.offset % texel_offset_alignment_ != 0)
    throw Error("pipeline " + desc.shader + ": texel buffer offset " + std::to_string(binding.offset) +
                " is not a multiple of the device's minTexelBufferOffsetAlignment (" +
                std::to_string(texel_offset_alignment_) + ")");
  if (binding.range == VK_WHOLE_SIZE || binding.range % texel_bytes != 0 || binding.range / texel_bytes > max_texel_elements_)
    throw Error("pipeline " + desc.shader + ": texel buffer range " + std::to_string(binding.range) +
                " B is not whole texels of " + std::to_string(texel_bytes) + " B within maxTexelBufferElements (" +
                std::to_string(max_texel_elements_) + ")");
  VkBufferViewCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
  info.buffer = binding.buffer;
  info.format = desc.texel_format;
  info.offset = binding.offset;
  info.range = binding.range;
  VkBufferView view = VK_NULL_HANDLE;
  VKPOSE_VK(vkCreateBufferView(device_, &info, nullptr, &view));
  views_.push_back(view);
  return view;
}

VkDescriptorSet DescriptorArena::allocate(const Pipeline& pipeline, std::span<const BufferBinding> buffers) {
  return allocate(pipeline, {}, buffers);
}

VkDescriptorSet DescriptorArena::allocate(const Pipeline& pipeline, std::span<const ImageBinding> images,
                                          std::span<const BufferBinding> buffers) {
  const PipelineDesc& desc = pipeline.desc();
  if (buffers.size() != desc.storage_buffers || images.size() != desc.image_bindings.size())
    throw Error("pipeline " + desc.shader + " takes " + std::to_string(desc.image_bindings.size()) + " images and " +
                std::to_string(desc.storage_buffers) + " buffers, got " + std::to_string(images.size()) + " and " +
                std::to_string(buffers.size()));
  VkDescriptorSet set = allocateSet(pipeline);
  std::vector<VkDescriptorImageInfo> image_infos(images.size());
  std::vector<VkDescriptorBufferInfo> buffer_infos(buffers.size());
  std::vector<VkBufferView> texel_views(buffers.size());
  std::vector<VkWriteDescriptorSet> writes;
  for (size_t i = 0; i < images.size(); ++i) {
    image_infos[i] = {images[i].sampler, images[i].view, images[i].layout};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = set;
    write.dstBinding = uint32_t(writes.size());
    write.descriptorCount = 1;
    write.descriptorType = desc.image_bindings[i];
    write.pImageInfo = &image_infos[i];
    writes.push_back(write);
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    buffer_infos[i] = {buffers[i].buffer, buffers[i].offset, buffers[i].range};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = set;
    write.dstBinding = uint32_t(writes.size());
    write.descriptorCount = 1;
    write.descriptorType = desc.bufferType(uint32_t(i));
    if (desc.isTexelBuffer(uint32_t(i))) {
      texel_views[i] = createTexelView(desc, buffers[i]);
      write.pTexelBufferView = &texel_views[i];
    } else {
      write.pBufferInfo = &buffer_infos[i];
    }
    writes.push_back(write);
  }
  vkUpdateDescriptorSets(device_, uint32_t(writes.size()), writes.data(), 0, nullptr);
  return set;
}

}  // namespace vkpose
