// Activation memory planning: every tensor of a graph gets an offset in one
// arena so that tensors alive at the same time never overlap, while tensors
// whose lifetimes are disjoint share bytes. Pure bookkeeping, no Vulkan.
//
// Lifetimes are inclusive ranges of steps (node indices): a tensor is alive
// from the step that writes it to the last step that reads it, so a node's
// output never shares memory with that node's own inputs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vkpose {

struct TensorLifetime {
  uint64_t bytes = 0;
  int first_step = 0;  // the step that writes it
  int last_step = 0;   // the last step that reads it (>= first_step)
  // Shares memory with no other tensor whatever the lifetimes: the graph
  // input and outputs, which other stages write before or read after the graph.
  bool keep_distinct = false;
};

struct MemoryPlan {
  std::vector<uint64_t> offsets;  // per tensor, multiples of the alignment
  uint64_t arena_bytes = 0;       // planned peak: the arena's size
  uint64_t naive_bytes = 0;       // every tensor in its own range: the sum of the aligned sizes
};

// Greedy by size, first fit: the largest tensor is placed first, each at the
// lowest offset where it overlaps no placed tensor it is alive with. Not
// optimal for every graph (no fast planner is), but it reaches the lower bound
// (the most bytes alive at one step) on chains whose sizes never grow.
// `alignment` must be a power of two; every offset and size is rounded up to
// it. Throws vkpose::Error naming the tensor for an empty tensor or a lifetime
// that ends before it starts.
MemoryPlan planMemory(std::span<const TensorLifetime> tensors, uint64_t alignment);

}  // namespace vkpose
