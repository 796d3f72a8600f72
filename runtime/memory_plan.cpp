#include "runtime/memory_plan.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "engine/error.h"

namespace vkpose {

namespace {

uint64_t alignUp(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

void validate(std::span<const TensorLifetime> tensors, uint64_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0)
    throw Error("planMemory: alignment " + std::to_string(alignment) + " is not a power of two");
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorLifetime& t = tensors[i];
    std::string which = "planMemory: tensor " + std::to_string(i);
    if (t.bytes == 0) throw Error(which + " has no bytes");
    if (t.last_step < t.first_step)
      throw Error(which + " is last read at step " + std::to_string(t.last_step) + ", before it is written at step " +
                  std::to_string(t.first_step));
  }
}

// True when a and b must not share memory.
bool conflict(const TensorLifetime& a, const TensorLifetime& b) {
  if (a.keep_distinct || b.keep_distinct) return true;
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

// Largest first; ties by earlier write, then index, so plans are deterministic.
std::vector<size_t> placementOrder(std::span<const TensorLifetime> tensors) {
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (tensors[a].bytes != tensors[b].bytes) return tensors[a].bytes > tensors[b].bytes;
    return tensors[a].first_step < tensors[b].first_step;
  });
  return order;
}

struct Range {
  uint64_t begin, end;
};

// The lowest offset where `bytes` fit between the ranges already taken.
uint64_t firstFit(std::vector<Range> taken, uint64_t bytes) {
  std::sort(taken.begin(), taken.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
  uint64_t candidate = 0;
  for (const Range& r : taken) {
    if (r.begin >= candidate + bytes) break;
    candidate = std::max(candidate, r.end);
  }
  return candidate;
}

}  // namespace

MemoryPlan planMemory(std::span<const TensorLifetime> tensors, uint64_t alignment) {
  validate(tensors, alignment);
  MemoryPlan plan;
  plan.offsets.assign(tensors.size(), 0);
  std::vector<uint64_t> sizes(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    sizes[i] = alignUp(tensors[i].bytes, alignment);
    plan.naive_bytes += sizes[i];
  }
  std::vector<size_t> placed;
  for (size_t i : placementOrder(tensors)) {
    std::vector<Range> taken;
    for (size_t j : placed)
      if (conflict(tensors[i], tensors[j])) taken.push_back({plan.offsets[j], plan.offsets[j] + sizes[j]});
    plan.offsets[i] = firstFit(std::move(taken), sizes[i]);
    plan.arena_bytes = std::max(plan.arena_bytes, plan.offsets[i] + sizes[i]);
    placed.push_back(i);
  }
  return plan;
}

}  // namespace vkpose
