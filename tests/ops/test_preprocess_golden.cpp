// Preprocessing of the committed photos against the golden manifest
// (tests/data/golden/manifest.json, written by tools/oracle/golden.js): the
// decoded pixels and the CPU reference's float input must hash exactly as
// the oracle recorded (proving the reference is preprocess.js), and the GPU
// must match that reference within tolerance. Whether the GPU's input is also
// bit-identical is reported, not required: fp32 division and bilinear
// rounding may differ in the last bit between drivers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/transfer.h"
#include "runtime/ops/preprocess.h"
#include "tests/support/golden_data.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/preprocess_reference.h"
#include "tests/support/sha256.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using nlohmann::json;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(test::sha256Hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(test::sha256Hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 56 bytes: the length no longer fits the first block's padding.
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(test::sha256Hex(two_blocks.data(), two_blocks.size()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

std::string floatsSha256(const std::vector<float>& values) {
  return test::sha256Hex(values.data(), values.size() * sizeof(float));
}

class PreprocessGolden : public test::GpuTest {
 protected:
  void SetUp() override {
    GpuTest::SetUp();
    std::ifstream in(test::testDataPath("golden/manifest.json"));
    ASSERT_TRUE(in) << "tests/data not found: set VKPOSE_TEST_DATA or run from the repository root";
    manifest_ = json::parse(in);
  }

  const json& imageRecord(const std::string& file) const {
    for (const json& image : manifest_.at("images"))
      if (image.at("file") == file) return image;
    throw std::runtime_error(file + " is not in the manifest");
  }

  // The GPU's model input for `image`, letterboxed to `size`, as float32 NHWC.
  std::vector<float> gpuInput(const test::RgbImage& image, int size) {
    FrameLayout layout = FrameLayout::packed(image.width, image.height, PixelFormat::RGB8);
    std::vector<uint8_t> bytes = test::encodeFrame(image, test::RefPixelOrder::RGB, layout.row_stride);
    Buffer frame = ctx().allocator().createBuffer(bytes.size(), MemoryUsage::DeviceLocal);
    uploadToBuffer(ctx(), frame, bytes.data(), bytes.size());
    Tensor out = Tensor::create(ctx(), PreprocessOp::outputShape(size), Precision::FP32);
    PreprocessOp op(ctx(), Precision::FP32, PixelNormalisation::mobileNet());
    SamplingGrid grid = samplingGrid(ResizeMode::Letterbox, image.width, image.height, size);
    std::vector<float> packed = test::runIntoPoisoned(ctx(), op, frame, layout, grid, out);
    std::vector<float> nhwc(size_t(size) * size_t(size) * 3);
    for (size_t i = 0; i < nhwc.size() / 3; ++i)
      for (size_t c = 0; c < 3; ++c) nhwc[i * 3 + c] = packed[i * 4 + c];
    return nhwc;
  }

  json manifest_;
};

struct BitDifference {
  size_t floats = 0;  // how many differ in any bit
  double max_abs = 0;
};

BitDifference bitDifference(const std::vector<float>& a, const std::vector<float>& b) {
  BitDifference d;
  for (size_t i = 0; i < a.size(); ++i) {
    d.floats += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
    d.max_abs = std::max(d.max_abs, std::fabs(double(a[i]) - double(b[i])));
  }
  return d;
}

TEST_F(PreprocessGolden, EveryEntryMatchesTheOracle) {
  for (const json& entry : manifest_.at("entries")) {
    std::string file = entry.at("image");
    int size = entry.at("size");
    SCOPED_TRACE(file + " at " + std::to_string(size));
    const json& record = imageRecord(file);
    test::RgbImage image = test::loadRgbImage(test::testDataPath("images/" + file));
    ASSERT_EQ(image.width, record.at("width").get<int>());
    ASSERT_EQ(image.height, record.at("height").get<int>());
    ASSERT_EQ(test::sha256Hex(image.rgb.data(), image.rgb.size()), record.at("rgb_sha256").get<std::string>());

    const json& box = entry.at("letterbox");
    int side = box.at("side");
    test::RefWindow window{-box.at("pad_left").get<int>(), -box.at("pad_top").get<int>(), side, side};
    std::vector<float> expected = test::referencePreprocess(image, window, size);
    EXPECT_EQ(floatsSha256(expected), entry.at("input_sha256").at("nhwc").get<std::string>());

    std::vector<float> got = gpuInput(image, size);
    EXPECT_TRUE(test::nearlyEqual(got, test::toDoubles(expected), 0, test::tolerance(Precision::FP32)));
    BitDifference d = bitDifference(got, expected);
    std::printf("[ golden   ] %s at %d: GPU input sha256 %s the oracle's; %zu of %zu floats differ, by at most %.3g\n",
                file.c_str(), size, floatsSha256(got) == floatsSha256(expected) ? "equals" : "differs from", d.floats,
                got.size(), d.max_abs);
    RecordProperty(file + "_" + std::to_string(size) + "_differing_floats", std::to_string(d.floats));
  }
}

}  // namespace
}  // namespace vkpose
