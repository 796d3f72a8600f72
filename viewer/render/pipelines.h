// Graphics pipelines for the viewer's three draws (frame, skeleton, HUD):
// one render pass, dynamic viewport and scissor, so a resized window keeps
// its pipelines.
#pragma once

#include "engine/vulkan_api.h"

#include <vector>

namespace vkpose::view {

struct GraphicsPipelineDesc {
  const char* vertex_shader = nullptr;  // names in gpu/shaders.h
  const char* fragment_shader = nullptr;
  std::vector<VkVertexInputBindingDescription> bindings;
  std::vector<VkVertexInputAttributeDescription> attributes;
  VkPrimitiveTopology topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  bool alpha_blend = false;
  uint32_t push_constant_bytes = 0;
  VkShaderStageFlags push_constant_stages = VK_SHADER_STAGE_VERTEX_BIT;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;  // optional
};

class GraphicsPipeline {
 public:
  GraphicsPipeline(VkDevice device, VkRenderPass render_pass, const GraphicsPipelineDesc& desc);
  ~GraphicsPipeline();
  GraphicsPipeline(const GraphicsPipeline&) = delete;
  GraphicsPipeline& operator=(const GraphicsPipeline&) = delete;

  VkPipeline handle() const { return pipeline_; }
  VkPipelineLayout layout() const { return layout_; }
  VkShaderStageFlags pushStages() const { return push_stages_; }

 private:
  VkDevice device_;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  VkShaderStageFlags push_stages_;
};

// One colour attachment, cleared, left in `final_layout`: PRESENT_SRC_KHR for
// a swapchain, TRANSFER_SRC_OPTIMAL for the headless target that is read back.
VkRenderPass createRenderPass(VkDevice device, VkFormat format, VkImageLayout final_layout);

}  // namespace vkpose::view
