// Draws one picture: the frame (letterboxed into the target), the skeleton
// over it and the HUD on top, in one render pass. The same code serves the
// window's swapchain images and the headless target.
#pragma once

#include "engine/vulkan_api.h"

#include <array>
#include <memory>
#include <vector>

#include "engine/memory.h"
#include "viewer/render/frame_texture.h"
#include "viewer/render/hud.h"
#include "viewer/render/layout.h"
#include "viewer/render/pipelines.h"

namespace vkpose::view {

class GpuDevice;

struct DrawInputs {
  VkBuffer new_frame = VK_NULL_HANDLE;  // a frame not yet in the texture (packed RGBA8 of the texture's size)
  std::vector<SkeletonInstance> skeleton;  // frame pixels
  float min_confidence = 0;
  std::vector<HudVertex> hud;             // target pixels
};

class Renderer {
 public:
  // Recording slots: one per draw in flight, each with its own vertex buffers.
  static constexpr int kSlots = 2;
  static constexpr size_t kMaxHudVertices = 60000;

  Renderer(GpuDevice& device, VkFormat target_format, VkImageLayout final_layout);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  VkRenderPass renderPass() const { return render_pass_; }
  FrameTexture& texture() { return texture_; }

  // Where the frame lands in a target of this size.
  Rect frameRect(VkExtent2D extent) const;
  // Records the upload (if any) and the render pass. The slot's vertex
  // buffers are overwritten: its previous submission must have finished.
  void record(VkCommandBuffer cmd, int slot, VkFramebuffer framebuffer, VkExtent2D extent, const DrawInputs& in);

 private:
  void drawFrame(VkCommandBuffer cmd, VkExtent2D extent);
  void drawSkeleton(VkCommandBuffer cmd, int slot, VkExtent2D extent, const DrawInputs& in);
  void drawHud(VkCommandBuffer cmd, int slot, VkExtent2D extent, const DrawInputs& in);

  GpuDevice& device_;
  VkRenderPass render_pass_ = VK_NULL_HANDLE;
  FrameTexture texture_;
  std::unique_ptr<GraphicsPipeline> frame_pipeline_, skeleton_pipeline_, hud_pipeline_;
  std::array<Buffer, kSlots> skeleton_buffers_, hud_buffers_;
};

}  // namespace vkpose::view
