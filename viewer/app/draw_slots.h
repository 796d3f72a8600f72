// Per-draw resources, one set per draw in flight: the command buffers, the
// fence that says the draw has finished, the semaphore a swapchain image is
// acquired with, and timestamp queries bracketing the frame's GPU work.
//
// GPU time: the estimator submits its own command buffers to the shared
// queue, so a slot submits a one-timestamp "mark" just before them; the draw
// command buffer writes one at its start (the estimator's work is done by
// then, queue order) and one at its end.
#pragma once

#include "engine/vulkan_api.h"

#include <optional>
#include <vector>

namespace vkpose::view {

class GpuDevice;

struct GpuTimes {
  double pose_ms = 0;  // mark -> draw start: the estimator's command buffers
  double draw_ms = 0;  // the draw command buffer (upload copy, render pass, readback)
};

struct DrawSlot {
  VkCommandBuffer mark = VK_NULL_HANDLE;
  VkCommandBuffer draw = VK_NULL_HANDLE;
  VkFence done = VK_NULL_HANDLE;         // signalled when `draw` has finished
  VkSemaphore acquired = VK_NULL_HANDLE;  // swapchain image acquired
  VkQueryPool queries = VK_NULL_HANDLE;   // 3 timestamps, when the queue has them
  bool submitted = false;  // `done` will signal
  bool marked = false;     // the mark went out for the current use
  uint64_t serial = 0;     // the draw number it holds
  int index = 0;           // which slot: selects the renderer's vertex buffers
};

class DrawSlots {
 public:
  DrawSlots(GpuDevice& device, int count);
  ~DrawSlots();
  DrawSlots(const DrawSlots&) = delete;
  DrawSlots& operator=(const DrawSlots&) = delete;

  // The slot for draw number `serial`: waits until its previous draw has
  // finished (so its semaphore and buffers are free) and reads that draw's
  // GPU times.
  DrawSlot& next(uint64_t serial);
  // Starts recording the slot's draw command buffer.
  void beginRecording(DrawSlot& slot);
  // Submits the mark (before the estimator's submissions); after beginRecording.
  void mark(DrawSlot& slot);
  // Ends `draw`'s recording (with the closing timestamp) and submits it.
  void submit(DrawSlot& slot, VkSemaphore wait = VK_NULL_HANDLE, VkSemaphore signal = VK_NULL_HANDLE);
  void waitFor(DrawSlot& slot);  // blocks until the slot's last draw finished
  // The highest draw number known to have finished.
  uint64_t completedSerial() const { return completed_; }
  std::optional<GpuTimes> lastTimes() const { return last_times_; }

 private:
  void readTimes(DrawSlot& slot);

  GpuDevice& device_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  std::vector<DrawSlot> slots_;
  uint64_t completed_ = 0;
  std::optional<GpuTimes> last_times_;
  double period_ns_ = 1;
  uint64_t valid_mask_ = ~0ull;
};

}  // namespace vkpose::view
