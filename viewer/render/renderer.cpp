#include "viewer/render/renderer.h"

#include <algorithm>

#include "engine/pipeline.h"
#include "viewer/gpu/device.h"

namespace vkpose::view {

namespace {

struct FramePush {
  float ndc_min[2], ndc_max[2];
};
struct SkeletonPush {
  float scale[2], offset[2];
  float pixels_per_unit;
  float min_score;
};
struct HudPush {
  float to_ndc[2];
};
VKPOSE_PUSH_CONSTANTS(FramePush);
VKPOSE_PUSH_CONSTANTS(SkeletonPush);
VKPOSE_PUSH_CONSTANTS(HudPush);

GraphicsPipelineDesc frameDesc(VkDescriptorSetLayout set_layout) {
  GraphicsPipelineDesc d;
  d.vertex_shader = "frame.vert";
  d.fragment_shader = "frame.frag";
  d.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_STRIP;
  d.push_constant_bytes = sizeof(FramePush);
  d.set_layout = set_layout;
  return d;
}

GraphicsPipelineDesc skeletonDesc() {
  GraphicsPipelineDesc d;
  d.vertex_shader = "skeleton.vert";
  d.fragment_shader = "skeleton.frag";
  d.bindings = {{0, sizeof(SkeletonInstance), VK_VERTEX_INPUT_RATE_INSTANCE}};
  d.attributes = {{0, 0, VK_FORMAT_R32G32B32A32_SFLOAT, offsetof(SkeletonInstance, ax)},
                  {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(SkeletonInstance, radius)}};
  d.alpha_blend = true;
  d.push_constant_bytes = sizeof(SkeletonPush);
  d.push_constant_stages = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
  return d;
}

GraphicsPipelineDesc hudDesc() {
  GraphicsPipelineDesc d;
  d.vertex_shader = "hud.vert";
  d.fragment_shader = "hud.frag";
  d.bindings = {{0, sizeof(HudVertex), VK_VERTEX_INPUT_RATE_VERTEX}};
  d.attributes = {{0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(HudVertex, x)},
                  {1, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(HudVertex, rgba)}};
  d.alpha_blend = true;
  d.push_constant_bytes = sizeof(HudPush);
  return d;
}

}  // namespace

Renderer::Renderer(GpuDevice& device, VkFormat target_format, VkImageLayout final_layout)
    : device_(device), texture_(device) {
  render_pass_ = createRenderPass(device.handle(), target_format, final_layout);
  frame_pipeline_ = std::make_unique<GraphicsPipeline>(device.handle(), render_pass_, frameDesc(texture_.setLayout()));
  skeleton_pipeline_ = std::make_unique<GraphicsPipeline>(device.handle(), render_pass_, skeletonDesc());
  hud_pipeline_ = std::make_unique<GraphicsPipeline>(device.handle(), render_pass_, hudDesc());
  for (int i = 0; i < kSlots; ++i) {
    skeleton_buffers_[i] = device.allocator().createBuffer(kMaxSkeletonInstances * sizeof(SkeletonInstance),
                                                           MemoryUsage::Upload, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
    hud_buffers_[i] = device.allocator().createBuffer(kMaxHudVertices * sizeof(HudVertex), MemoryUsage::Upload,
                                                      VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  }
}

Renderer::~Renderer() {
  frame_pipeline_.reset();
  skeleton_pipeline_.reset();
  hud_pipeline_.reset();
  vkDestroyRenderPass(device_.handle(), render_pass_, nullptr);
}

Rect Renderer::frameRect(VkExtent2D extent) const {
  return fitFrame(texture_.width(), texture_.height(), int(extent.width), int(extent.height));
}

void Renderer::record(VkCommandBuffer cmd, int slot, VkFramebuffer framebuffer, VkExtent2D extent,
                      const DrawInputs& in) {
  if (in.new_frame) texture_.recordUpload(cmd, in.new_frame);
  VkClearValue clear{};
  clear.color = {{0.08f, 0.08f, 0.08f, 1.0f}};
  VkRenderPassBeginInfo begin{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  begin.renderPass = render_pass_;
  begin.framebuffer = framebuffer;
  begin.renderArea = {{0, 0}, extent};
  begin.clearValueCount = 1;
  begin.pClearValues = &clear;
  vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
  VkViewport viewport{0, 0, float(extent.width), float(extent.height), 0, 1};
  VkRect2D scissor{{0, 0}, extent};
  vkCmdSetViewport(cmd, 0, 1, &viewport);
  vkCmdSetScissor(cmd, 0, 1, &scissor);
  if (texture_.ready()) {
    drawFrame(cmd, extent);
    drawSkeleton(cmd, slot, extent, in);
  }
  drawHud(cmd, slot, extent, in);
  vkCmdEndRenderPass(cmd);
}

void Renderer::drawFrame(VkCommandBuffer cmd, VkExtent2D extent) {
  Rect r = frameRect(extent);
  float w = float(extent.width), h = float(extent.height);
  FramePush push{{r.x / w * 2 - 1, r.y / h * 2 - 1}, {(r.x + r.width) / w * 2 - 1, (r.y + r.height) / h * 2 - 1}};
  VkDescriptorSet set = texture_.descriptorSet();
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, frame_pipeline_->handle());
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, frame_pipeline_->layout(), 0, 1, &set, 0, nullptr);
  vkCmdPushConstants(cmd, frame_pipeline_->layout(), frame_pipeline_->pushStages(), 0, sizeof push, &push);
  vkCmdDraw(cmd, 4, 1, 0, 0);
}

void Renderer::drawSkeleton(VkCommandBuffer cmd, int slot, VkExtent2D extent, const DrawInputs& in) {
  size_t count = std::min(in.skeleton.size(), size_t(kMaxSkeletonInstances));
  if (count == 0) return;
  Buffer& buffer = skeleton_buffers_[size_t(slot)];
  buffer.write(in.skeleton.data(), count * sizeof(SkeletonInstance));
  Rect r = frameRect(extent);
  float w = float(extent.width), h = float(extent.height);
  float units = r.width / float(texture_.width());  // target pixels per frame pixel
  // ndc = (rect.xy + p * units) / extent * 2 - 1
  SkeletonPush push{{units / w * 2, units / h * 2}, {r.x / w * 2 - 1, r.y / h * 2 - 1}, units, in.min_confidence};
  VkBuffer handle = buffer.handle();
  VkDeviceSize offset = 0;
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, skeleton_pipeline_->handle());
  vkCmdPushConstants(cmd, skeleton_pipeline_->layout(), skeleton_pipeline_->pushStages(), 0, sizeof push, &push);
  vkCmdBindVertexBuffers(cmd, 0, 1, &handle, &offset);
  vkCmdDraw(cmd, 6, uint32_t(count), 0, 0);
}

void Renderer::drawHud(VkCommandBuffer cmd, int slot, VkExtent2D extent, const DrawInputs& in) {
  size_t count = std::min(in.hud.size(), kMaxHudVertices);
  count -= count % 3;  // whole triangles only
  if (count == 0) return;
  Buffer& buffer = hud_buffers_[size_t(slot)];
  buffer.write(in.hud.data(), count * sizeof(HudVertex));
  HudPush push{{2.0f / float(extent.width), 2.0f / float(extent.height)}};
  VkBuffer handle = buffer.handle();
  VkDeviceSize offset = 0;
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, hud_pipeline_->handle());
  vkCmdPushConstants(cmd, hud_pipeline_->layout(), hud_pipeline_->pushStages(), 0, sizeof push, &push);
  vkCmdBindVertexBuffers(cmd, 0, 1, &handle, &offset);
  vkCmdDraw(cmd, uint32_t(count), 1, 0, 0);
}

}  // namespace vkpose::view
