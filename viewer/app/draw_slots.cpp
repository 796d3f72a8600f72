#include "viewer/app/draw_slots.h"

#include <array>

#include "engine/error.h"
#include "viewer/gpu/device.h"

namespace vkpose::view {

DrawSlots::DrawSlots(GpuDevice& device, int count) : device_(device), slots_(size_t(count)) {
  VkDevice dev = device.handle();
  period_ns_ = device.caps().timestamp_period_ns;
  uint32_t bits = device.timestampBits();
  valid_mask_ = bits >= 64 ? ~0ull : (1ull << bits) - 1;
  VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool.queueFamilyIndex = device.queueFamily();
  VKPOSE_VK(vkCreateCommandPool(dev, &pool, nullptr, &pool_));
  for (DrawSlot& slot : slots_) {
    std::array<VkCommandBuffer, 2> buffers{};
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = pool_;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 2;
    VKPOSE_VK(vkAllocateCommandBuffers(dev, &alloc, buffers.data()));
    slot.mark = buffers[0];
    slot.draw = buffers[1];
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VKPOSE_VK(vkCreateFence(dev, &fence, nullptr, &slot.done));
    VkSemaphoreCreateInfo sem{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    VKPOSE_VK(vkCreateSemaphore(dev, &sem, nullptr, &slot.acquired));
    if (device.timestamps()) {
      VkQueryPoolCreateInfo q{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
      q.queryType = VK_QUERY_TYPE_TIMESTAMP;
      q.queryCount = 3;
      VKPOSE_VK(vkCreateQueryPool(dev, &q, nullptr, &slot.queries));
    }
  }
}

DrawSlots::~DrawSlots() {
  VkDevice dev = device_.handle();
  vkDeviceWaitIdle(dev);
  for (DrawSlot& slot : slots_) {
    if (slot.queries) vkDestroyQueryPool(dev, slot.queries, nullptr);
    vkDestroySemaphore(dev, slot.acquired, nullptr);
    vkDestroyFence(dev, slot.done, nullptr);
  }
  vkDestroyCommandPool(dev, pool_, nullptr);
}

void DrawSlots::waitFor(DrawSlot& slot) {
  if (!slot.submitted) return;
  VKPOSE_VK(vkWaitForFences(device_.handle(), 1, &slot.done, VK_TRUE, UINT64_MAX));
  VKPOSE_VK(vkResetFences(device_.handle(), 1, &slot.done));
  slot.submitted = false;
  if (slot.serial > completed_) completed_ = slot.serial;
  readTimes(slot);
}

DrawSlot& DrawSlots::next(uint64_t serial) {
  DrawSlot& slot = slots_[serial % slots_.size()];
  waitFor(slot);
  slot.serial = serial;
  slot.marked = false;
  slot.index = int(serial % slots_.size());
  return slot;
}

void DrawSlots::beginRecording(DrawSlot& slot) {
  VKPOSE_VK(vkResetCommandBuffer(slot.draw, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VKPOSE_VK(vkBeginCommandBuffer(slot.draw, &begin));
}

void DrawSlots::mark(DrawSlot& slot) {
  if (!slot.queries) return;
  VKPOSE_VK(vkResetCommandBuffer(slot.mark, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  VKPOSE_VK(vkBeginCommandBuffer(slot.mark, &begin));
  vkCmdResetQueryPool(slot.mark, slot.queries, 0, 3);
  vkCmdWriteTimestamp(slot.mark, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, slot.queries, 0);
  VKPOSE_VK(vkEndCommandBuffer(slot.mark));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &slot.mark;
  VKPOSE_VK(vkQueueSubmit(device_.queue(), 1, &submit, VK_NULL_HANDLE));
  // The draw's first timestamp: written once everything submitted before it
  // (the estimator's work) has finished.
  vkCmdWriteTimestamp(slot.draw, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, slot.queries, 1);
  slot.marked = true;
}

void DrawSlots::submit(DrawSlot& slot, VkSemaphore wait, VkSemaphore signal) {
  if (slot.marked) vkCmdWriteTimestamp(slot.draw, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, slot.queries, 2);
  VKPOSE_VK(vkEndCommandBuffer(slot.draw));
  VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.waitSemaphoreCount = wait ? 1 : 0;
  submit.pWaitSemaphores = wait ? &wait : nullptr;
  submit.pWaitDstStageMask = wait ? &wait_stage : nullptr;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &slot.draw;
  submit.signalSemaphoreCount = signal ? 1 : 0;
  submit.pSignalSemaphores = signal ? &signal : nullptr;
  VKPOSE_VK(vkQueueSubmit(device_.queue(), 1, &submit, slot.done));
  slot.submitted = true;
}

void DrawSlots::readTimes(DrawSlot& slot) {
  if (!slot.queries || !slot.marked) return;
  std::array<uint64_t, 3> ticks{};
  // The fence has signalled, so the results are available without waiting.
  VkResult r = vkGetQueryPoolResults(device_.handle(), slot.queries, 0, 3, sizeof ticks, ticks.data(),
                                     sizeof(uint64_t), VK_QUERY_RESULT_64_BIT);
  if (r != VK_SUCCESS) return;
  auto ms = [&](uint64_t a, uint64_t b) { return double(((b & valid_mask_) - (a & valid_mask_)) & valid_mask_) * period_ns_ * 1e-6; };
  last_times_ = GpuTimes{ms(ticks[0], ticks[1]), ms(ticks[1], ticks[2])};
}

}  // namespace vkpose::view
