#include "engine/timestamps.h"

#include "engine/context.h"
#include "engine/error.h"

namespace vkpose {

TimestampQueries::TimestampQueries(Context& ctx, uint32_t capacity)
    : device_(ctx.device()), capacity_(capacity), period_ns_(ctx.caps().timestamp_period_ns) {
  uint32_t bits = ctx.caps().timestamp_valid_bits;
  valid_mask_ = bits >= 64 ? ~0ull : (1ull << bits) - 1;
  if (!ctx.caps().timestamps) return;  // supported() reports false; writes become no-ops
  VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
  info.queryType = VK_QUERY_TYPE_TIMESTAMP;
  info.queryCount = capacity;
  VKPOSE_VK(vkCreateQueryPool(device_, &info, nullptr, &pool_));
}

TimestampQueries::~TimestampQueries() {
  if (pool_) vkDestroyQueryPool(device_, pool_, nullptr);
}

void TimestampQueries::reset(VkCommandBuffer cmd) {
  labels_.clear();
  if (pool_) vkCmdResetQueryPool(cmd, pool_, 0, capacity_);
}

void TimestampQueries::write(VkCommandBuffer cmd, std::string label) {
  if (!pool_) return;
  if (labels_.size() >= capacity_) throw Error("TimestampQueries: more than " + std::to_string(capacity_) + " marks");
  // Bottom of pipe: the mark lands once all earlier work has finished.
  vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool_, uint32_t(labels_.size()));
  labels_.push_back(std::move(label));
}

void TimestampQueries::resetQueries(VkCommandBuffer cmd) {
  if (pool_) vkCmdResetQueryPool(cmd, pool_, 0, capacity_);
}

void TimestampQueries::mark(VkCommandBuffer cmd, uint32_t index, std::string label) {
  if (!pool_) return;
  if (index >= capacity_) throw Error("TimestampQueries: mark " + std::to_string(index) + " is past " + std::to_string(capacity_));
  vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool_, index);
  if (labels_.size() <= index) labels_.resize(index + 1);
  labels_[index] = std::move(label);
}

std::vector<TimedSpan> TimestampQueries::results() const {
  std::vector<TimedSpan> spans;
  if (!pool_ || labels_.size() < 2) return spans;
  std::vector<uint64_t> ticks(labels_.size());
  VKPOSE_VK(vkGetQueryPoolResults(device_, pool_, 0, uint32_t(ticks.size()), ticks.size() * sizeof(uint64_t),
                                  ticks.data(), sizeof(uint64_t), VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
  for (size_t i = 1; i < ticks.size(); ++i) {
    uint64_t delta = ((ticks[i] & valid_mask_) - (ticks[i - 1] & valid_mask_)) & valid_mask_;
    spans.push_back({labels_[i], double(delta) * period_ns_ * 1e-6});
  }
  return spans;
}

double TimestampQueries::totalMs() const {
  double total = 0;
  for (const auto& span : results()) total += span.ms;
  return total;
}

}  // namespace vkpose
