// ParallelCopy against the source bytes themselves: every byte lands, none
// past the end is touched, for sizes below and above the parallel threshold,
// sizes that leave ragged chunks, every thread count, and many copies in a
// row through the same workers; and copies of separate ranges.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/parallel_copy.h"

namespace vkpose {
namespace {

constexpr uint8_t kPoison = 0xCD;
constexpr size_t kGuard = 256;

std::vector<uint8_t> pattern(size_t bytes, uint32_t seed) {
  std::vector<uint8_t> v(bytes);
  uint32_t x = seed * 2654435761u + 1;
  for (uint8_t& b : v) {
    x = x * 1664525u + 1013904223u;
    b = uint8_t(x >> 24);
  }
  return v;
}

// Copies into a poisoned buffer with guard bytes after it; checks both.
void expectExactCopy(ParallelCopy& copy, size_t bytes, uint32_t seed) {
  std::vector<uint8_t> src = pattern(bytes, seed);
  std::vector<uint8_t> dst(bytes + kGuard, kPoison);
  copy.copy(dst.data(), src.data(), bytes);
  for (size_t i = 0; i < bytes; ++i)
    if (dst[i] != src[i]) FAIL() << "byte " << i << " of " << bytes << " differs";
  for (size_t i = bytes; i < dst.size(); ++i)
    if (dst[i] != kPoison) FAIL() << "byte " << i << " past the end of " << bytes << " was written";
}

TEST(ParallelCopy, EveryByteLandsAndNoneBeyond) {
  const size_t sizes[] = {0, 1, 63, 4096, (size_t(1) << 20) - 1, size_t(1) << 20, (size_t(1) << 20) + 1,
                          1280 * 720 * 4, 1280 * 720 * 3 + 7, 1920 * 1080 * 4 + 61};
  for (int threads : {1, 2, 3, 4, 8}) {
    ParallelCopy copy(threads);
    EXPECT_EQ(copy.threads(), threads);
    uint32_t seed = 1;
    for (size_t bytes : sizes) {
      SCOPED_TRACE(std::to_string(threads) + " threads, " + std::to_string(bytes) + " bytes");
      expectExactCopy(copy, bytes, seed++);
    }
  }
}

TEST(ParallelCopy, ManyCopiesThroughTheSameWorkers) {
  ParallelCopy copy(4);
  for (uint32_t i = 0; i < 200; ++i) expectExactCopy(copy, (size_t(1) << 20) + i * 4099, i);
}

// Rows of a frame with gaps between them, like sampledByteRanges: the bytes
// in the ranges land, those between and after them stay poisoned.
TEST(ParallelCopy, RangesLandAndGapsStayUntouched) {
  const size_t row = 1280 * 4, rows = 720;
  std::vector<uint8_t> src = pattern(row * rows, 7);
  std::vector<ByteRange> ranges;
  for (size_t y = 0; y < rows; y += 5) ranges.push_back({y * row + 16 * (y % 3), 2 * row - 32 * (y % 3)});
  ranges.push_back({row * rows - 1, 1});  // the last byte alone
  std::vector<bool> inside(src.size(), false);
  for (const ByteRange& r : ranges) std::fill_n(inside.begin() + std::ptrdiff_t(r.offset), r.bytes, true);
  for (int threads : {1, 2, 3, 8}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    ParallelCopy copy(threads);
    std::vector<uint8_t> dst(src.size(), kPoison);
    copy.copyRanges(dst.data(), src.data(), ranges);
    for (size_t i = 0; i < src.size(); ++i)
      if (dst[i] != (inside[i] ? src[i] : kPoison)) FAIL() << "byte " << i << (inside[i] ? " differs" : " was written");
  }
}

TEST(ParallelCopy, NoRangesCopyNothing) {
  ParallelCopy copy(2);
  copy.copyRanges(nullptr, nullptr, {});
  ByteRange empty{0, 0};
  copy.copyRanges(nullptr, nullptr, {&empty, 1});
}

TEST(ParallelCopy, WorkersStopWithoutEverCopying) {
  for (int i = 0; i < 20; ++i) ParallelCopy copy(8);
}

}  // namespace
}  // namespace vkpose
