#include "viewer/app/stats.h"

namespace vkpose::view {

void FpsCounter::tick(Clock::time_point now) {
  ticks_.push_back(now);
  while (ticks_.size() > 2 && now - ticks_.front() > std::chrono::seconds(1)) ticks_.pop_front();
}

double FpsCounter::fps() const {
  if (ticks_.size() < 2) return 0;
  double span = std::chrono::duration<double>(ticks_.back() - ticks_.front()).count();
  return span > 0 ? double(ticks_.size() - 1) / span : 0;
}

}  // namespace vkpose::view
