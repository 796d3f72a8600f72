// vkpose::Estimator end to end on the real PoseNet (the committed ONNX
// converted at test-build time; ctest passes its path in VKPOSE_TEST_MODEL):
// photo in, keypoints out, against the golden TF.js keypoints in
// tests/data/golden/manifest.json (source pixels, as tools/oracle/golden.js
// decoded them on the CPU). Each test builds its own Estimator, and so its
// own device, with validation on; any validation message fails the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/estimator.h"
#include "tests/support/golden_data.h"
#include "tests/support/golden_pose.h"
#include "tests/support/op_test.h"
#include "tests/support/scoped_env.h"

namespace vkpose {
namespace {

using test::expectError;
using test::expectGoldenPose;
using test::expectSamePose;
using test::fourBytePixels;
using test::goldenKeypoints;
using test::meanShift;
using test::photo;
using test::rgbFrame;
using test::RgbImage;

using test::expectNoValidationMessages;
using test::optionsFor;


TEST(Estimator, Fp32MatchesTheGoldenKeypointsAt257And385) {
  Estimator estimator(optionsFor(257));
  EXPECT_EQ(estimator.precision(), Precision::FP32);
  for (int size : {257, 385}) {
    estimator.setInputSize(size);  // the same Model, no reload
    EXPECT_EQ(estimator.inputSize(), size);
    for (const char* image : {"pose.jpg", "messi5.jpg"})
      expectGoldenPose(estimator.estimate(rgbFrame(photo(image))), image, size);
  }
  expectNoValidationMessages(estimator);
}

TEST(Estimator, Fp16StorageShiftsKeypointsByAtMostOnePixel) {
  std::unique_ptr<Estimator> estimator;
  try {
    estimator = std::make_unique<Estimator>(optionsFor(257, Precision::FP16Storage));
  } catch (const Error& e) {
    if (std::string(e.what()).find("does not support precision") == std::string::npos) throw;
    GTEST_SKIP() << e.what();
  }
  for (const char* image : {"pose.jpg", "messi5.jpg"}) {
    double shift = meanShift(estimator->estimate(rgbFrame(photo(image))), goldenKeypoints(image, 257));
    std::printf("[ golden   ] %s at 257 fp16s: mean keypoint shift %.3f source px\n", image, shift);
    EXPECT_LE(shift, 1.0) << image;
  }
  expectNoValidationMessages(*estimator);
}

// The first layer inside preprocessing, forced on whatever the device (Auto
// leaves it off on CPU devices): the same TF.js goldens at two sizes.
TEST(Estimator, FirstConvInsidePreprocessingKeepsTheGoldenKeypoints) {
  EstimatorOptions options = optionsFor(257);
  options.fuse_first_conv = FirstConvFusion::On;
  Estimator estimator(options);
  for (int size : {257, 385}) {
    estimator.setInputSize(size);
    for (const char* image : {"pose.jpg", "messi5.jpg"})
      expectGoldenPose(estimator.estimate(rgbFrame(photo(image))), image, size);
  }
  expectNoValidationMessages(estimator);
}

TEST(Estimator, FirstConvInsidePreprocessingInFp16ShiftsKeypointsByAtMostOnePixel) {
  EstimatorOptions options = optionsFor(257, Precision::FP16Storage);
  options.fuse_first_conv = FirstConvFusion::On;
  std::unique_ptr<Estimator> estimator;
  try {
    estimator = std::make_unique<Estimator>(options);
  } catch (const Error& e) {
    if (std::string(e.what()).find("does not support precision") == std::string::npos) throw;
    GTEST_SKIP() << e.what();
  }
  for (const char* image : {"pose.jpg", "messi5.jpg"}) {
    double shift = meanShift(estimator->estimate(rgbFrame(photo(image))), goldenKeypoints(image, 257));
    std::printf("[ golden   ] %s at 257 fp16s, first conv inside preprocessing: mean keypoint shift %.3f source px\n",
                image, shift);
    EXPECT_LE(shift, 1.0) << image;
  }
  expectNoValidationMessages(*estimator);
}

// Where the first layer runs by default: inside preprocessing on GPUs, apart
// on CPU devices; On and Off are obeyed everywhere.
TEST(FirstConvPlace, InsidePreprocessingOnGpusByDefault) {
  test::ScopedEnv tuning("VKPOSE_FUSE_PREPROCESS", std::nullopt);  // it would override Auto
  Capabilities caps;
  for (VkPhysicalDeviceType type : {VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU,
                                    VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU, VK_PHYSICAL_DEVICE_TYPE_CPU}) {
    caps.device_type = type;
    bool gpu = type != VK_PHYSICAL_DEVICE_TYPE_CPU;
    EXPECT_EQ(firstConvFused(FirstConvFusion::Auto, caps), gpu) << type;
    EXPECT_TRUE(firstConvFused(FirstConvFusion::On, caps)) << type;
    EXPECT_FALSE(firstConvFused(FirstConvFusion::Off, caps)) << type;
  }
}

// The default precision by device class, on hand-made capability snapshots.
TEST(PreferredPrecision, Fp16StorageOnGpusThatHaveItFp32Elsewhere) {
  Capabilities caps;
  caps.storage_16bit = true;
  for (VkPhysicalDeviceType gpu : {VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU,
                                   VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU}) {
    caps.device_type = gpu;
    EXPECT_EQ(preferredPrecision(caps), Precision::FP16Storage) << gpu;
  }
  caps.storage_16bit = false;  // e.g. a host device that did not enable 16-bit storage
  EXPECT_EQ(preferredPrecision(caps), Precision::FP32);
  caps.device_type = VK_PHYSICAL_DEVICE_TYPE_CPU;
  caps.storage_16bit = true;
  EXPECT_EQ(preferredPrecision(caps), Precision::FP32);
}

// Without a precision the Estimator runs at the device's preferred one and
// keeps that precision's bound: the goldens' 0.01 px in fp32, 1 px mean in fp16.
TEST(Estimator, RunsAtTheDevicesPreferredPrecisionByDefault) {
  EstimatorOptions options = optionsFor();
  options.precision.reset();
  Estimator estimator(options);
  Precision preferred = preferredPrecision(estimator.context().caps());
  EXPECT_EQ(estimator.precision(), preferred);
  std::printf("[ default  ] %s runs at %s\n", estimator.context().caps().device_name.c_str(),
              precisionSuffix(preferred));
  for (const char* image : {"pose.jpg", "messi5.jpg"}) {
    Pose pose = estimator.estimate(rgbFrame(photo(image)));
    if (preferred == Precision::FP32) {
      expectGoldenPose(pose, image, 257);
      continue;
    }
    double shift = meanShift(pose, goldenKeypoints(image, 257));
    std::printf("[ golden   ] %s at 257 by default: mean keypoint shift %.3f source px\n", image, shift);
    EXPECT_LE(shift, 1.0) << image;
  }
  expectNoValidationMessages(estimator);
}

// poll() until the pose arrives; the GPU is given a minute at most.
Pose pollUntilDone(Estimator& estimator, Ticket ticket) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::optional<Pose> pose = estimator.poll(ticket)) return *pose;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  throw std::runtime_error("ticket " + std::to_string(ticket) + " did not finish within 60 s");
}

TEST(Estimator, AsyncKeepsTwoFramesInFlight) {
  Estimator estimator(optionsFor(257, Precision::FP32, 2));
  Frame pose_frame = rgbFrame(photo("pose.jpg")), messi_frame = rgbFrame(photo("messi5.jpg"));
  Pose pose_sync = estimator.estimate(pose_frame), messi_sync = estimator.estimate(messi_frame);

  std::optional<Ticket> first = estimator.submit(pose_frame);
  std::optional<Ticket> second = estimator.submit(messi_frame);
  ASSERT_TRUE(first && second);
  EXPECT_LT(*first, *second);
  EXPECT_FALSE(estimator.submit(pose_frame)) << "both slots hold uncollected tickets";
  EXPECT_FALSE(estimator.submit(pose_frame)) << "still both";

  expectSamePose(estimator.wait(*first), pose_sync, 1e-4);
  std::optional<Ticket> third = estimator.submit(pose_frame);
  ASSERT_TRUE(third) << "waiting for the first frame frees its slot";
  EXPECT_GT(*third, *second);
  expectSamePose(pollUntilDone(estimator, *second), messi_sync, 1e-4);
  expectSamePose(pollUntilDone(estimator, *third), pose_sync, 1e-4);

  // A frame in flight across a re-plan keeps the pose of the size it was submitted at.
  std::optional<Ticket> before_replan = estimator.submit(pose_frame);
  ASSERT_TRUE(before_replan);
  estimator.setInputSize(385);
  expectSamePose(estimator.wait(*before_replan), pose_sync, 1e-4);

  expectError([&] { estimator.wait(*first); }, "ticket " + std::to_string(*first) + " is unknown or already collected");
  expectError([&] { estimator.wait(9999); }, "ticket 9999 is unknown");
  expectError([&] { estimator.poll(9999); }, "ticket 9999 is unknown");
  expectNoValidationMessages(estimator);
}

TEST(Estimator, PixelFormatsAndRowPaddingGiveTheSamePose) {
  Estimator estimator(optionsFor(257, Precision::FP32, 1));
  const RgbImage& image = photo("messi5.jpg");
  Pose rgb = estimator.estimate(rgbFrame(image));
  uint32_t packed = uint32_t(image.width) * 4, padded = packed + 52;
  for (PixelFormat format : {PixelFormat::RGBA8, PixelFormat::BGRA8}) {
    for (uint32_t stride : {packed, padded}) {
      SCOPED_TRACE(std::string(pixelFormatName(format)) + " stride " + std::to_string(stride));
      std::vector<uint8_t> pixels = fourBytePixels(image, format, stride);
      Frame frame{pixels.data(), {image.width, image.height, stride, format}};
      expectSamePose(estimator.estimate(frame), rgb, 1e-4);
    }
  }
  expectNoValidationMessages(estimator);
}

// Replaying a frame layout already recorded allocates nothing; a larger
// frame replaces the staging buffer, a smaller one reuses it.
TEST(Estimator, ReplaysFramesWithoutAllocating) {
  Estimator estimator(optionsFor(257, Precision::FP32, 1));
  Frame small = rgbFrame(photo("messi5.jpg")), large = rgbFrame(photo("pose.jpg"));
  estimator.estimate(small);
  MemoryStats before = estimator.context().allocator().stats();
  constexpr int kRuns = 3;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) estimator.estimate(small);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / kRuns;
  std::printf("[ timing   ] estimate() 548x342 RGB8 at 257 fp32 on %s: %.1f ms per frame (wall)\n",
              estimator.context().caps().device_name.c_str(), ms);
  MemoryStats after = estimator.context().allocator().stats();
  EXPECT_EQ(after.live_buffers, before.live_buffers);
  EXPECT_EQ(after.used_bytes, before.used_bytes);

  estimator.estimate(large);
  MemoryStats grown = estimator.context().allocator().stats();
  EXPECT_EQ(grown.live_buffers, before.live_buffers) << "the staging buffer is replaced, not added";
  EXPECT_GT(grown.used_bytes, before.used_bytes);
  estimator.estimate(small);
  EXPECT_EQ(estimator.context().allocator().stats().used_bytes, grown.used_bytes) << "a smaller frame reuses it";
  expectNoValidationMessages(estimator);
}

// One queue per frame slot, no more: each further queue costs device creation time.
TEST(Estimator, CreatesNoMoreQueuesThanFramesInFlight) {
  for (int in_flight : {1, 2, 8}) {
    Estimator estimator(optionsFor(257, Precision::FP32, in_flight));
    const Context& ctx = estimator.context();
    size_t wanted = std::min<size_t>(size_t(in_flight), kMaxFrameQueues);
    EXPECT_EQ(ctx.frameQueueCount(), std::min<size_t>(test::queuesInComputeFamily(ctx), wanted))
        << in_flight << " frames in flight";
  }
}

TEST(Estimator, RefusesBadOptionsClearly) {
  EstimatorOptions options = optionsFor();
  options.model_path = "";
  expectError([&] { Estimator e(options); }, "no model path given");
  options.model_path = "/nonexistent/posenet.vkpose";
  expectError([&] { Estimator e(options); }, "cannot read model file /nonexistent/posenet.vkpose");
  options.model_path = test::testDataPath("golden/manifest.json");
  expectError([&] { Estimator e(options); }, "is not a .vkpose model");
  options = optionsFor(300);
  expectError([&] { Estimator e(options); }, "nearest valid sizes are 289 and 305");
  options = optionsFor(1041);
  expectError([&] { Estimator e(options); }, "input size 1041 is outside 129..1025");
  options = optionsFor(257, Precision::FP32, 0);
  expectError([&] { Estimator e(options); }, "frames_in_flight 0 is outside 1..8");
  options = optionsFor(257, Precision::FP32, 9);
  expectError([&] { Estimator e(options); }, "frames_in_flight 9 is outside 1..8");
  options = optionsFor();
  options.fence_spin_us = -1;
  expectError([&] { Estimator e(options); }, "fence_spin_us -1 is outside 0..100000");
  options.fence_spin_us = 100001;
  expectError([&] { Estimator e(options); }, "fence_spin_us 100001 is outside 0..100000");
  options = optionsFor();
  options.copy_threads = 0;
  expectError([&] { Estimator e(options); }, "copy_threads 0 is outside 1..8");
  options.copy_threads = 9;
  expectError([&] { Estimator e(options); }, "copy_threads 9 is outside 1..8");
}

// Host frames copied on several threads (pose.jpg is 2 MB as RGB, above the
// parallel threshold; the padded RGBA rows leave ragged chunks), and frames
// in flight that reuse the same workers.
TEST(Estimator, CopyThreadsGiveTheGoldenPose) {
  EstimatorOptions options = optionsFor(257, Precision::FP32, 2);
  options.copy_threads = 3;
  Estimator estimator(options);
  const RgbImage& image = photo("pose.jpg");
  expectGoldenPose(estimator.estimate(rgbFrame(image)), "pose.jpg", 257);
  uint32_t stride = uint32_t(image.width) * 4 + 52;
  std::vector<uint8_t> pixels = fourBytePixels(image, PixelFormat::BGRA8, stride);
  Frame padded{pixels.data(), {image.width, image.height, stride, PixelFormat::BGRA8}};
  std::optional<Ticket> first = estimator.submit(padded), second = estimator.submit(rgbFrame(image));
  ASSERT_TRUE(first && second);
  expectGoldenPose(estimator.wait(*first), "pose.jpg", 257);
  expectGoldenPose(estimator.wait(*second), "pose.jpg", 257);
  expectNoValidationMessages(estimator);
}

// Waits that poll the fence first (the GPU default; lavapipe sleeps at once):
// a 1 ms spin runs out on lavapipe and falls back to the sleeping wait, a
// 100 ms one sees most frames finish while it polls.
TEST(Estimator, SpinningWaitsGiveTheGoldenPose) {
  for (int spin_us : {1000, 100000}) {
    SCOPED_TRACE("fence_spin_us " + std::to_string(spin_us));
    EstimatorOptions options = optionsFor(257, Precision::FP32, 2);
    options.fence_spin_us = spin_us;
    Estimator estimator(options);
    Frame frame = rgbFrame(photo("pose.jpg"));
    expectGoldenPose(estimator.estimate(frame), "pose.jpg", 257);
    std::optional<Ticket> first = estimator.submit(frame), second = estimator.submit(frame);
    ASSERT_TRUE(first && second);
    expectGoldenPose(estimator.wait(*second), "pose.jpg", 257);
    expectGoldenPose(estimator.wait(*first), "pose.jpg", 257);
    expectNoValidationMessages(estimator);
  }
}

TEST(Estimator, RefusesBadFramesClearly) {
  Estimator estimator(optionsFor(257, Precision::FP32, 1));
  std::vector<uint8_t> pixels(64 * 64 * 4, 128);
  expectError([&] { estimator.submit(Frame::packed(nullptr, 64, 64, PixelFormat::RGBA8)); }, "frame pixels are null");
  expectError([&] { estimator.submit(Frame::packed(pixels.data(), 0, 0, PixelFormat::RGBA8)); }, "is empty");
  expectError([&] { estimator.submit({pixels.data(), {64, 64, 100, PixelFormat::RGBA8}}); },
              "row stride 100 bytes is smaller than a row");
  expectError([&] { estimator.submit(Frame::packed(pixels.data(), 30000, 30000, PixelFormat::RGBA8)); },
              "exceeds the limit of 16384 pixels per side");
  expectError([&] { estimator.setInputSize(300); }, "nearest valid sizes are 289 and 305");
  EXPECT_EQ(estimator.inputSize(), 257);
  // After all that, a tiny frame still runs: the 1x1 black letterbox.
  Pose pose = estimator.estimate(Frame::packed(pixels.data(), 1, 1, PixelFormat::RGBA8));
  for (const Keypoint& k : pose.keypoints) EXPECT_TRUE(std::isfinite(k.x) && std::isfinite(k.y));
  expectNoValidationMessages(estimator);
}

// Nodes the per-layer marks cover: a fused depthwise + pointwise pair (VKPOSE_FUSE_DWPW=1)
// is one mark labelled "dw+pw", and a first layer run inside preprocessing is
// named in the preprocessing span's label ("preprocess+conv").
size_t nodesTimed(const GpuTiming& timing) {
  size_t nodes = size_t(std::count(timing.preprocess_label.begin(), timing.preprocess_label.end(), '+'));
  for (const TimedSpan& layer : timing.layers)
    nodes += 1 + size_t(std::count(layer.label.begin(), layer.label.end(), '+'));
  return nodes;
}

TEST(Estimator, GpuTimingIsOffByDefault) {
  Estimator plain(optionsFor(257, Precision::FP32, 1));
  plain.estimate(rgbFrame(photo("messi5.jpg")));
  EXPECT_FALSE(plain.lastGpuTiming());
}

class PerLayerTiming : public ::testing::TestWithParam<FirstConvFusion> {};

TEST_P(PerLayerTiming, ReportsGpuTimePerStageAndLayer) {
  EstimatorOptions options = optionsFor(257, Precision::FP32, 2);
  options.gpu_timing = GpuTimingMode::PerLayer;
  options.fuse_first_conv = GetParam();
  Estimator estimator(options);
  if (!estimator.context().caps().timestamps) GTEST_SKIP() << "the compute queue has no timestamps";
  Pose pose = estimator.estimate(rgbFrame(photo("pose.jpg")));
  expectGoldenPose(pose, "pose.jpg", 257);  // the marks change nothing
  std::optional<GpuTiming> timing = estimator.lastGpuTiming();
  ASSERT_TRUE(timing);
  // Every node but the multi-pose displacement heads, which single-pose decoding never reads.
  size_t displacement_heads = 0;
  for (const ModelOutput& o : estimator.model().outputs)
    displacement_heads += o.role == OutputRole::DisplacementFwd || o.role == OutputRole::DisplacementBwd;
  EXPECT_EQ(displacement_heads, 2u);
  size_t computed_nodes = estimator.model().nodes.size() - displacement_heads;
  ASSERT_EQ(nodesTimed(*timing), computed_nodes);
  double layer_sum = 0;
  for (const TimedSpan& layer : timing->layers) {
    EXPECT_GE(layer.ms, 0.0) << layer.label;
    layer_sum += layer.ms;
  }
  const std::string& first_node = estimator.model().nodes.front().name;
  if (GetParam() == FirstConvFusion::On) {
    EXPECT_EQ(timing->preprocess_label, "preprocess+" + first_node);
    EXPECT_EQ(timing->layers.front().label, estimator.model().nodes[1].name);
  } else {
    EXPECT_EQ(timing->preprocess_label, "preprocess");
    EXPECT_EQ(timing->layers.front().label, first_node);
  }
  EXPECT_NEAR(layer_sum, timing->network_ms, 1e-6);
  EXPECT_GT(timing->preprocess_ms, 0.0);
  EXPECT_GT(timing->network_ms, 0.0);
  EXPECT_GT(timing->decode_ms, 0.0);
  EXPECT_NEAR(timing->total_ms, timing->preprocess_ms + timing->network_ms + timing->decode_ms, 1e-9);
  std::printf("[ timing   ] 257 fp32 GPU: preprocess %.3f ms, network %.3f ms, decode %.3f ms\n",
              timing->preprocess_ms, timing->network_ms, timing->decode_ms);
  // Survives a re-plan: the marks follow the new executor.
  estimator.setInputSize(385);
  expectGoldenPose(estimator.estimate(rgbFrame(photo("pose.jpg"))), "pose.jpg", 385);
  ASSERT_TRUE(estimator.lastGpuTiming());
  EXPECT_EQ(nodesTimed(*estimator.lastGpuTiming()), computed_nodes);
  expectNoValidationMessages(estimator);
}

INSTANTIATE_TEST_SUITE_P(FirstConv, PerLayerTiming, ::testing::Values(FirstConvFusion::Off, FirstConvFusion::On),
                         [](const ::testing::TestParamInfo<FirstConvFusion>& info) {
                           return info.param == FirstConvFusion::On ? "InsidePreprocessing" : "Separate";
                         });

// Frame slots share one copy of the weights; each has its own activations,
// staging and readback.
TEST(Estimator, SlotsShareTheWeights) {
  Estimator one(optionsFor(257, Precision::FP32, 1)), three(optionsFor(257, Precision::FP32, 3));
  Frame frame = rgbFrame(photo("messi5.jpg"));
  one.estimate(frame);
  three.estimate(frame);
  EstimatorMemory m1 = one.memory(), m3 = three.memory();
  EXPECT_EQ(m3.activations, 3 * m1.activations);
  EXPECT_EQ(m3.readback, 3 * m1.readback);
  EXPECT_GT(m1.weights, 4u << 20) << "MobileNetV1 0.75 has about 1.2 M fp32 weights";
  // Per-slot decode scratch is counted with the weights; a second copy of
  // the weights per slot would add 2 * m1.weights.
  EXPECT_LT(m3.weights, m1.weights + m1.weights / 8);
  EXPECT_EQ(m3.total, m3.activations + m3.staging + m3.readback + m3.weights);
  expectNoValidationMessages(three);
}

TEST(ChooseInputSize, LargestValidSizeNotAboveTheLongerSide) {
  EXPECT_EQ(chooseInputSize(640, 480, 16, 1025), 625);   // 129 + 31 * 16
  EXPECT_EQ(chooseInputSize(480, 640, 16, 1025), 625);   // either side
  EXPECT_EQ(chooseInputSize(257, 100, 16, 1025), 257);   // exactly valid
  EXPECT_EQ(chooseInputSize(272, 100, 16, 1025), 257);   // never upsampled past the frame
  EXPECT_EQ(chooseInputSize(1280, 720, 16, 513), 513);   // capped
  EXPECT_EQ(chooseInputSize(1, 1, 16, 513), 129);        // small frames get the smallest size
  EXPECT_EQ(chooseInputSize(5000, 5000, 16, 1025), 1025);
  EXPECT_EQ(chooseInputSize(300, 300, 32, 1025), 289);   // another output stride
}

// InputSizePolicy::FromFrame: each new frame size re-plans, the model is not
// reloaded, and the poses match the golden keypoints of the size chosen.
TEST(Estimator, ChoosesTheInputSizeFromTheFrame) {
  EstimatorOptions options = optionsFor(257, Precision::FP32, 1);
  options.input_size_policy = InputSizePolicy::FromFrame;
  options.max_auto_input_size = 385;
  Estimator estimator(options);
  const RgbImage& image = photo("pose.jpg");  // larger than 385 on its longer side
  ASSERT_GE(std::max(image.width, image.height), 385);
  expectGoldenPose(estimator.estimate(rgbFrame(image)), "pose.jpg", 385);
  EXPECT_EQ(estimator.inputSize(), 385);
  // A 200 x 150 corner of it: the largest valid size not above 200 is 193.
  std::vector<uint8_t> corner(200 * 150 * 3);
  for (size_t y = 0; y < 150; ++y)
    std::copy_n(&image.rgb[y * size_t(image.width) * 3], 200 * 3, &corner[y * 200 * 3]);
  Pose small = estimator.estimate(Frame::packed(corner.data(), 200, 150, PixelFormat::RGB8));
  EXPECT_EQ(estimator.inputSize(), 193);
  for (const Keypoint& k : small.keypoints) EXPECT_TRUE(std::isfinite(k.x) && std::isfinite(k.score));
  expectGoldenPose(estimator.estimate(rgbFrame(image)), "pose.jpg", 385);
  EXPECT_EQ(estimator.inputSize(), 385);

  options.max_auto_input_size = 400;
  expectError([&] { Estimator e(options); }, "nearest valid sizes are 385 and 401");
  expectNoValidationMessages(estimator);
}

}  // namespace
}  // namespace vkpose
