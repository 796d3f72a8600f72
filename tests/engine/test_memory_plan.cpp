// The activation memory planner, without a GPU: tensors alive together never
// overlap, kept-distinct tensors share with nobody, offsets are aligned, and
// the arena reaches the lower bound (the most bytes alive at one step) on
// chains and never exceeds one buffer per tensor.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "engine/error.h"
#include "runtime/memory_plan.h"

namespace vkpose {
namespace {

uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

bool aliveTogether(const TensorLifetime& a, const TensorLifetime& b) {
  return a.keep_distinct || b.keep_distinct || (a.first_step <= b.last_step && b.first_step <= a.last_step);
}

// The lower bound any plan must respect: at the busiest step, every tensor
// alive then (and every kept-distinct one) needs its own bytes.
uint64_t maxLiveBytes(const std::vector<TensorLifetime>& tensors, uint64_t alignment) {
  uint64_t pinned = 0, busiest = 0;
  int first = 0, last = 0;
  for (const auto& t : tensors) {
    if (t.keep_distinct) pinned += alignUp(t.bytes, alignment);
    first = std::min(first, t.first_step);
    last = std::max(last, t.last_step);
  }
  for (int step = first; step <= last; ++step) {
    uint64_t live = 0;
    for (const auto& t : tensors)
      if (!t.keep_distinct && t.first_step <= step && step <= t.last_step) live += alignUp(t.bytes, alignment);
    busiest = std::max(busiest, live);
  }
  return pinned + busiest;
}

::testing::AssertionResult validPlan(const std::vector<TensorLifetime>& tensors, const MemoryPlan& plan,
                                     uint64_t alignment) {
  if (plan.offsets.size() != tensors.size()) return ::testing::AssertionFailure() << "one offset per tensor";
  for (size_t i = 0; i < tensors.size(); ++i) {
    uint64_t end_i = plan.offsets[i] + tensors[i].bytes;
    if (plan.offsets[i] % alignment != 0)
      return ::testing::AssertionFailure() << "tensor " << i << " at unaligned offset " << plan.offsets[i];
    if (end_i > plan.arena_bytes) return ::testing::AssertionFailure() << "tensor " << i << " ends past the arena";
    for (size_t j = 0; j < i; ++j) {
      uint64_t end_j = plan.offsets[j] + tensors[j].bytes;
      bool overlap = plan.offsets[i] < end_j && plan.offsets[j] < end_i;
      if (overlap && aliveTogether(tensors[i], tensors[j]))
        return ::testing::AssertionFailure() << "tensors " << j << " and " << i << " are alive together but overlap";
    }
  }
  return ::testing::AssertionSuccess();
}

// tensor i written at step i and read at step i + 1: a plain network without branches.
std::vector<TensorLifetime> chain(const std::vector<uint64_t>& sizes) {
  std::vector<TensorLifetime> tensors;
  for (size_t i = 0; i < sizes.size(); ++i) tensors.push_back({sizes[i], int(i), int(i) + 1, false});
  return tensors;
}

TEST(MemoryPlan, EqualChainNeedsTwoBuffers) {
  auto tensors = chain({1024, 1024, 1024, 1024, 1024});
  MemoryPlan plan = planMemory(tensors, 256);
  EXPECT_TRUE(validPlan(tensors, plan, 256));
  EXPECT_EQ(plan.arena_bytes, 2048u);
  EXPECT_EQ(plan.naive_bytes, 5120u);
}

TEST(MemoryPlan, ShrinkingChainReachesTheMaxLiveSum) {
  auto tensors = chain({4096, 4096, 2048, 2048, 1024, 512, 512, 256});
  MemoryPlan plan = planMemory(tensors, 256);
  EXPECT_TRUE(validPlan(tensors, plan, 256));
  EXPECT_EQ(plan.arena_bytes, 8192u);
  EXPECT_EQ(plan.arena_bytes, maxLiveBytes(tensors, 256));
}

TEST(MemoryPlan, RandomShrinkingChainsReachTheMaxLiveSum) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint64_t> sizes(2 + rng() % 30);
    for (uint64_t& s : sizes) s = 1 + rng() % 5000;
    std::sort(sizes.rbegin(), sizes.rend());
    auto tensors = chain(sizes);
    MemoryPlan plan = planMemory(tensors, 16);
    ASSERT_TRUE(validPlan(tensors, plan, 16)) << "trial " << trial;
    ASSERT_EQ(plan.arena_bytes, maxLiveBytes(tensors, 16)) << "trial " << trial;
  }
}

TEST(MemoryPlan, RandomLifetimesNeverOverlapWhileAlive) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<TensorLifetime> tensors(1 + rng() % 40);
    for (auto& t : tensors) {
      t.bytes = 1 + rng() % 100000;
      t.first_step = int(rng() % 50);
      t.last_step = t.first_step + int(rng() % 12);
      t.keep_distinct = rng() % 10 == 0;
    }
    const uint64_t alignment = uint64_t(1) << (rng() % 9);
    MemoryPlan plan = planMemory(tensors, alignment);
    ASSERT_TRUE(validPlan(tensors, plan, alignment)) << "trial " << trial;
    ASSERT_GE(plan.arena_bytes, maxLiveBytes(tensors, alignment)) << "trial " << trial;
    ASSERT_LE(plan.arena_bytes, plan.naive_bytes) << "trial " << trial;
  }
}

TEST(MemoryPlan, KeptDistinctTensorsShareWithNobody) {
  // Disjoint lifetimes: without the flag all three would sit at offset 0.
  std::vector<TensorLifetime> tensors{{100, 0, 0, true}, {100, 1, 1, false}, {100, 2, 2, true}};
  MemoryPlan plan = planMemory(tensors, 4);
  EXPECT_TRUE(validPlan(tensors, plan, 4));
  EXPECT_EQ(plan.arena_bytes, 300u);
  for (auto& t : tensors) t.keep_distinct = false;
  EXPECT_EQ(planMemory(tensors, 4).arena_bytes, 100u);
}

TEST(MemoryPlan, SizesAndOffsetsAreAligned) {
  std::vector<TensorLifetime> tensors{{10, 0, 1}, {300, 1, 2}, {5, 0, 2}};
  MemoryPlan plan = planMemory(tensors, 256);
  EXPECT_TRUE(validPlan(tensors, plan, 256));
  EXPECT_EQ(plan.naive_bytes, 256u + 512u + 256u);
  EXPECT_EQ(plan.arena_bytes, 1024u);  // all three are alive at step 1
}

TEST(MemoryPlan, EmptyGraphNeedsNothing) {
  MemoryPlan plan = planMemory({}, 16);
  EXPECT_EQ(plan.arena_bytes, 0u);
  EXPECT_EQ(plan.naive_bytes, 0u);
}

void expectError(const std::vector<TensorLifetime>& tensors, uint64_t alignment, const std::string& fragment) {
  try {
    planMemory(tensors, alignment);
    ADD_FAILURE() << "no error; expected one mentioning '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(MemoryPlan, RefusesBadInput) {
  expectError({{16, 0, 1}}, 24, "alignment 24 is not a power of two");
  expectError({{16, 0, 1}}, 0, "alignment 0 is not a power of two");
  expectError({{16, 0, 1}, {0, 1, 2}}, 16, "tensor 1 has no bytes");
  expectError({{16, 3, 2}}, 16, "tensor 0 is last read at step 2, before it is written at step 3");
}

}  // namespace
}  // namespace vkpose
