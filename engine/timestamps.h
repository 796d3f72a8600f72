// GPU time per dispatch from timestamp queries. Each write() marks the end of
// the work recorded since the previous mark; results() pairs them up.
#pragma once

#include "engine/vulkan_api.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vkpose {

class Context;

struct TimedSpan {
  std::string label;
  double ms = 0;
};

class TimestampQueries {
 public:
  TimestampQueries(Context& ctx, uint32_t capacity);
  ~TimestampQueries();
  TimestampQueries(const TimestampQueries&) = delete;
  TimestampQueries& operator=(const TimestampQueries&) = delete;

  bool supported() const { return pool_ != VK_NULL_HANDLE; }
  void reset(VkCommandBuffer cmd);
  // The first write is the start mark; its label is ignored in results().
  void write(VkCommandBuffer cmd, std::string label);
  // Fixed slots instead, for marks spread over command buffers recorded at
  // different times: resetQueries() clears the pool without forgetting
  // labels, mark() writes query `index`. results() then pairs index i-1 with
  // i over every index marked so far.
  void resetQueries(VkCommandBuffer cmd);
  void mark(VkCommandBuffer cmd, uint32_t index, std::string label);

  // Waits for the queries; call after the submission has completed.
  std::vector<TimedSpan> results() const;
  double totalMs() const;

 private:
  VkDevice device_;
  VkQueryPool pool_ = VK_NULL_HANDLE;
  uint32_t capacity_;
  double period_ns_;
  uint64_t valid_mask_;
  std::vector<std::string> labels_;
};

}  // namespace vkpose
