// The sub-allocator's offset bookkeeping, without a GPU.
#include <gtest/gtest.h>

#include <random>

#include "engine/error.h"
#include "engine/suballocator.h"

namespace vkpose {
namespace {

TEST(RangeAllocator, AlignsOffsets) {
  RangeAllocator a(1024);
  auto first = a.allocate(10, 1);
  auto second = a.allocate(16, 256);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, 0u);
  EXPECT_EQ(*second, 256u);
}

TEST(RangeAllocator, RefusesWhatDoesNotFit) {
  RangeAllocator a(256);
  EXPECT_TRUE(a.allocate(200, 1));
  EXPECT_FALSE(a.allocate(100, 1));
  EXPECT_FALSE(a.allocate(0, 1));
  EXPECT_FALSE(a.allocate(8, 3));  // not a power of two
}

TEST(RangeAllocator, FreeCoalescesBackToOneRange) {
  RangeAllocator a(4096);
  std::vector<uint64_t> offsets;
  for (int i = 0; i < 8; ++i) offsets.push_back(*a.allocate(100, 64));
  for (int i : {1, 3, 5, 7, 0, 2, 6, 4}) a.free(offsets[i]);
  EXPECT_EQ(a.bytesInUse(), 0u);
  EXPECT_EQ(a.freeRanges(), 1u);
  EXPECT_EQ(*a.allocate(4096, 1), 0u);
}

TEST(RangeAllocator, ReusesFreedHole) {
  RangeAllocator a(1024);
  auto x = *a.allocate(256, 1);
  auto y = *a.allocate(256, 1);
  (void)y;
  a.free(x);
  EXPECT_EQ(*a.allocate(200, 1), x);
}

TEST(RangeAllocator, UnknownFreeThrows) {
  RangeAllocator a(1024);
  EXPECT_THROW(a.free(12), Error);
}

TEST(RangeAllocator, RandomChurnNeverOverlaps) {
  RangeAllocator a(1 << 20);
  std::mt19937 rng(7);
  std::map<uint64_t, uint64_t> live;  // offset -> size
  for (int step = 0; step < 5000; ++step) {
    if (!live.empty() && rng() % 3 == 0) {
      auto it = std::next(live.begin(), long(rng() % live.size()));
      a.free(it->first);
      live.erase(it);
      continue;
    }
    uint64_t size = 1 + rng() % 5000, align = uint64_t(1) << (rng() % 9);
    auto offset = a.allocate(size, align);
    if (!offset) continue;
    ASSERT_EQ(*offset % align, 0u);
    auto next = live.lower_bound(*offset);
    if (next != live.end()) {
      ASSERT_LE(*offset + size, next->first);
    }
    if (next != live.begin()) {
      ASSERT_LE(std::prev(next)->first + std::prev(next)->second, *offset);
    }
    live[*offset] = size;
  }
  for (auto [offset, size] : live) a.free(offset);
  EXPECT_EQ(a.bytesInUse(), 0u);
  EXPECT_EQ(a.freeRanges(), 1u);
}

}  // namespace
}  // namespace vkpose
