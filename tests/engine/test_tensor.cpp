// Host-side tensor plumbing: the C4HW4 packing, the fp16 conversions (checked
// against the compiler's own _Float16, which rounds to nearest even), the
// storage formats, and a GPU upload/download round trip.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/error.h"
#include "engine/transfer.h"
#include "runtime/tensor.h"
#include "tests/support/gpu_test.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

// ---- C4HW4 packing ----

// Value 1 + c*100 + y*10 + x: non-zero, so a zero in the packed data can only be padding.
std::vector<float> coordinateValues(Shape s) {
  std::vector<float> chw;
  for (int c = 0; c < s.c; ++c)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x) chw.push_back(float(1 + c * 100 + y * 10 + x));
  return chw;
}

TEST(PackC4HW4, FiveChannelsLandWhereTheLayoutSays) {
  const Shape s{5, 2, 3};  // two channel blocks, the second holding one real lane
  std::vector<float> packed = packC4HW4(coordinateValues(s), s);
  ASSERT_EQ(packed.size(), 2u * 2 * 3 * 4);
  // (c, y, x) -> vec4 index (c/4 * H + y) * W + x, lane c % 4; worked by hand:
  EXPECT_EQ(packed[0], 1.f);             // (0,0,0): vec4 0, lane 0
  EXPECT_EQ(packed[4 * 1 + 1], 102.f);   // (1,0,1): vec4 1, lane 1
  EXPECT_EQ(packed[4 * 3 + 3], 311.f);   // (3,1,0): vec4 (0*2+1)*3+0 = 3, lane 3
  EXPECT_EQ(packed[4 * 6 + 0], 401.f);   // (4,0,0): vec4 (1*2+0)*3+0 = 6, lane 0
  EXPECT_EQ(packed[4 * 11 + 0], 413.f);  // (4,1,2): vec4 (1*2+1)*3+2 = 11, lane 0
  for (int v = 6; v < 12; ++v)
    for (int lane = 1; lane < 4; ++lane) EXPECT_EQ(packed[size_t(4 * v + lane)], 0.f) << "padding vec4 " << v;
  for (int v = 0; v < 6; ++v)
    for (int lane = 0; lane < 4; ++lane) EXPECT_NE(packed[size_t(4 * v + lane)], 0.f) << "real vec4 " << v;
}

TEST(PackC4HW4, RoundTripsEveryChannelCount) {
  for (int c = 1; c <= 9; ++c) {
    const Shape s{c, 3, 5};
    std::vector<float> chw = coordinateValues(s);
    std::vector<float> packed = packC4HW4(chw, s);
    EXPECT_EQ(packed.size(), s.vec4Count() * 4) << s.str();
    EXPECT_EQ(unpackC4HW4(packed, s), chw) << s.str();
  }
}

TEST(PackC4HW4, RejectsWrongSizes) {
  EXPECT_THROW(packC4HW4(std::vector<float>(29), {5, 2, 3}), Error);
  EXPECT_THROW(unpackC4HW4(std::vector<float>(30), {5, 2, 3}), Error);  // 30 is the CHW size, not the packed 48
}

// ---- fp16 conversion ----

uint16_t compilerHalf(float f) { return std::bit_cast<uint16_t>(static_cast<_Float16>(f)); }
float compilerFloat(uint16_t h) { return static_cast<float>(std::bit_cast<_Float16>(h)); }
bool isHalfNaN(uint16_t h) { return (h & 0x7C00u) == 0x7C00u && (h & 0x03FFu) != 0; }

// Compares with the compiler, bit for bit, except that any NaN may become any NaN.
::testing::AssertionResult sameHalf(float f) {
  uint16_t got = floatToHalf(f), want = compilerHalf(f);
  if (std::isnan(f) ? isHalfNaN(got) : got == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "floatToHalf(" << f << " = 0x" << std::hex << std::bit_cast<uint32_t>(f)
                                       << ") = 0x" << got << ", compiler gives 0x" << want;
}

TEST(HalfConversion, EveryHalfWidensExactlyAndRoundTrips) {
  for (uint32_t bits = 0; bits <= 0xFFFFu; ++bits) {
    uint16_t h = uint16_t(bits);
    float f = halfToFloat(h);
    if (isHalfNaN(h)) {
      ASSERT_TRUE(std::isnan(f)) << "half 0x" << std::hex << bits;
      ASSERT_TRUE(isHalfNaN(floatToHalf(f))) << "half 0x" << std::hex << bits;
      continue;
    }
    ASSERT_EQ(std::bit_cast<uint32_t>(f), std::bit_cast<uint32_t>(compilerFloat(h))) << "half 0x" << std::hex << bits;
    ASSERT_EQ(floatToHalf(f), h) << "half 0x" << std::hex << bits;
  }
}

TEST(HalfConversion, EdgeValuesRoundLikeTheCompiler) {
  const float max_half = 65504.f;
  const float edges[] = {
      0.f, -0.f, 1.f, -1.f, max_half, -max_half,
      65519.99f, 65520.f, -65520.f,  // 65520 is the tie between 65504 and 65536: rounds to even = inf
      std::nextafter(65520.f, 0.f), 1e6f, 3.4e38f,
      std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
      std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN(),
      std::numeric_limits<float>::signaling_NaN(),
      std::ldexp(1.f, -14),                          // smallest normal half
      std::nextafter(std::ldexp(1.f, -14), 0.f),    // rounds up to it from the subnormals
      std::ldexp(1.f, -24), -std::ldexp(1.f, -24),  // smallest subnormal half
      std::ldexp(1.f, -25),                          // tie between 0 and the smallest subnormal: 0
      std::nextafter(std::ldexp(1.f, -25), 1.f),     // just above the tie: smallest subnormal
      std::ldexp(3.f, -26), std::ldexp(3.f, -25),    // ties between subnormals, to even
      std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::min(),
      1.f + std::ldexp(1.f, -11), 1.f + std::ldexp(3.f, -11),  // normal ties, to even
  };
  for (float f : edges) EXPECT_TRUE(sameHalf(f));
  EXPECT_EQ(floatToHalf(65520.f), 0x7C00u);
  EXPECT_EQ(floatToHalf(std::nextafter(65520.f, 0.f)), 0x7BFFu);
  EXPECT_EQ(floatToHalf(std::ldexp(1.f, -25)), 0x0000u);
}

TEST(HalfConversion, RandomFloatsRoundLikeTheCompiler) {
  std::mt19937 rng(test::kDefaultSeed);
  std::uniform_int_distribution<uint32_t> any_bits;
  // Exponents from well below the half subnormals to past the half maximum,
  // where every rounding branch of the conversion lives.
  std::uniform_int_distribution<int> exponent(-30, 17);
  std::uniform_real_distribution<float> mantissa(1.f, 2.f);
  for (int i = 0; i < 2'000'000; ++i) {
    float uniform_bits = std::bit_cast<float>(any_bits(rng));
    float near_half_range = std::ldexp(mantissa(rng), exponent(rng)) * (i % 2 ? -1.f : 1.f);
    ASSERT_TRUE(sameHalf(uniform_bits));
    ASSERT_TRUE(sameHalf(near_half_range));
  }
}

// ---- storage formats ----

TEST(Storage, Fp32IsTheRawFloats) {
  std::vector<float> values = {1.5f, -0.f, std::numeric_limits<float>::infinity(), 1e-40f};
  std::vector<uint8_t> bytes = toStorage(values, Precision::FP32);
  ASSERT_EQ(bytes.size(), 16u);
  EXPECT_EQ(std::memcmp(bytes.data(), values.data(), 16), 0);
  std::vector<float> back = fromStorage(bytes, Precision::FP32);
  EXPECT_EQ(std::memcmp(back.data(), values.data(), 16), 0);
}

TEST(Storage, Fp16IsLittleEndianHalves) {
  std::vector<float> values = {1.f, -2.f, 65504.f, 0.1f};
  for (Precision p : {Precision::FP16Storage, Precision::FP16Arith}) {
    std::vector<uint8_t> bytes = toStorage(values, p);
    ASSERT_EQ(bytes.size(), 8u);
    EXPECT_EQ(bytes[0], 0x00);  // 1.0 = 0x3C00
    EXPECT_EQ(bytes[1], 0x3C);
    EXPECT_EQ(bytes[3], 0xC0);  // -2.0 = 0xC000
    EXPECT_EQ(bytes[4], 0xFF);  // 65504 = 0x7BFF
    EXPECT_EQ(bytes[5], 0x7B);
    std::vector<float> back = fromStorage(bytes, p);
    EXPECT_EQ(back, (std::vector<float>{1.f, -2.f, 65504.f, halfToFloat(floatToHalf(0.1f))}));
  }
}

TEST(Storage, PoisonWordIsNaNInEveryScalar) {
  for (Precision p : {Precision::FP32, Precision::FP16Storage, Precision::FP16Arith}) {
    uint32_t words[2] = {poisonWord(p), poisonWord(p)};
    std::vector<uint8_t> bytes(sizeof words);
    std::memcpy(bytes.data(), words, sizeof words);
    for (float v : fromStorage(bytes, p)) EXPECT_TRUE(std::isnan(v)) << precisionSuffix(p);
  }
}

// ---- GPU round trip ----

class TensorTransfer : public test::GpuTest, public ::testing::WithParamInterface<Precision> {};

TEST_P(TensorTransfer, UploadDownloadRoundTrips) {
  const Precision p = GetParam();
  const Shape s{5, 7, 9};
  SCOPED_TRACE("tensor " + s.str() + " " + precisionSuffix(p));
  std::vector<float> values = test::randomFloats(size_t(s.c) * s.h * s.w, test::kDefaultSeed, -100.f, 100.f);
  Tensor t = Tensor::create(ctx(), s, p);
  ASSERT_EQ(t.bytes(), s.vec4Count() * 4 * storageBytes(p));
  test::poison(ctx(), t);
  uploadTensor(ctx(), t, values);

  std::vector<float> expected = values;
  if (p != Precision::FP32)
    for (float& v : expected) v = halfToFloat(floatToHalf(v));
  EXPECT_EQ(downloadTensor(ctx(), t), expected);

  // The upload writes the padding lanes too: no poison may survive there.
  std::vector<uint8_t> raw(t.bytes());
  downloadFromBuffer(ctx(), t.buffer, raw.data(), raw.size());
  EXPECT_EQ(fromStorage(raw, p), packC4HW4(expected, s));
}

INSTANTIATE_TEST_SUITE_P(Precisions, TensorTransfer,
                         ::testing::Values(Precision::FP32, Precision::FP16Storage, Precision::FP16Arith),
                         [](const ::testing::TestParamInfo<Precision>& param) {
                           return std::string(precisionSuffix(param.param));
                         });

}  // namespace
}  // namespace vkpose
