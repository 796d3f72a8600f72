// The C API: statuses and messages for bad calls, and a real estimate through
// it. Nothing may throw across it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "runtime/capi/c_guard.h"
#include "runtime/capi/vkpose.h"
#include "tests/support/golden_pose.h"

namespace {

const char* modelPath() {
  const char* path = std::getenv("VKPOSE_TEST_MODEL");
  return path ? path : "";
}

TEST(CApi, OptionsHaveDocumentedDefaults) {
  vkpose_options o;
  vkpose_options_init(&o);
  EXPECT_EQ(o.model_path, nullptr);
  EXPECT_EQ(o.input_size, 257);
  EXPECT_EQ(o.fp16, -1);
  EXPECT_EQ(o.frames_in_flight, 2);
  EXPECT_EQ(o.input_size_from_frame, 0);
  EXPECT_EQ(o.max_auto_input_size, 513);
  EXPECT_EQ(o.fence_spin_us, -1);
  EXPECT_EQ(o.copy_threads, 1);
}

// The C options become the Estimator's: -1 leaves fence_spin_us to the
// device, anything else is passed on, and copy_threads always is.
TEST(CApi, HostTuningOptionsReachTheEstimator) {
  vkpose_options o;
  vkpose_options_init(&o);
  o.model_path = "model.vkpose";  // vkpose_create refuses NULL before converting
  vkpose::EstimatorOptions defaults = vkpose::capi::toOptions(o);
  EXPECT_FALSE(defaults.fence_spin_us.has_value());
  EXPECT_EQ(defaults.copy_threads, 1);
  o.copy_threads = 4;
  EXPECT_EQ(vkpose::capi::toOptions(o).copy_threads, 4);
  EXPECT_FALSE(vkpose::capi::toOptions(o).fence_spin_us.has_value());
  o.fence_spin_us = 0;
  o.copy_threads = 3;
  vkpose::EstimatorOptions set = vkpose::capi::toOptions(o);
  EXPECT_EQ(set.fence_spin_us, std::optional<int>(0));
  EXPECT_EQ(set.copy_threads, 3);
}

// fp16: -1 leaves the precision to the device, 0 and 1 choose it.
TEST(CApi, PrecisionOptionReachesTheEstimator) {
  vkpose_options o;
  vkpose_options_init(&o);
  o.model_path = "model.vkpose";
  EXPECT_FALSE(vkpose::capi::toOptions(o).precision.has_value());
  o.fp16 = 0;
  EXPECT_EQ(vkpose::capi::toOptions(o).precision, std::optional<vkpose::Precision>(vkpose::Precision::FP32));
  o.fp16 = 1;
  EXPECT_EQ(vkpose::capi::toOptions(o).precision, std::optional<vkpose::Precision>(vkpose::Precision::FP16Storage));
}

TEST(CApi, HostTuningOptionsOutOfRangeAreRefusedByName) {
  vkpose_options o;
  vkpose_options_init(&o);
  o.model_path = "/nonexistent/model.vkpose";  // never reached: the options are checked first
  vkpose_estimator* est = nullptr;
  auto refused = [&](const char* fragment) {
    SCOPED_TRACE(fragment);
    EXPECT_EQ(vkpose_create(&o, &est), VKPOSE_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(est, nullptr);
    EXPECT_NE(std::string(vkpose_error_message()).find(fragment), std::string::npos) << vkpose_error_message();
  };
  o.fence_spin_us = -2;
  refused("fence_spin_us -2 is neither -1 (the device's default) nor within 0..100000");
  o.fence_spin_us = 100001;
  refused("fence_spin_us 100001 is neither");
  o.fence_spin_us = -1;
  o.copy_threads = 0;
  refused("copy_threads 0 is outside 1..8");
  o.copy_threads = 9;
  refused("copy_threads 9 is outside 1..8");
  o.copy_threads = 1;
  o.fp16 = 2;
  refused("fp16 2 is not -1 (the device's own), 0 (fp32) or 1 (fp16 storage)");
  o.fp16 = -2;
  refused("fp16 -2 is not -1");
}

TEST(CApi, NullArgumentsAreRefusedWithAMessage) {
  vkpose_estimator* est = nullptr;
  EXPECT_EQ(vkpose_create(nullptr, &est), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(vkpose_error_message()).find("must not be NULL"), std::string::npos);
  vkpose_options o;
  vkpose_options_init(&o);
  EXPECT_EQ(vkpose_create(&o, &est), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(vkpose_error_message()).find("model_path is NULL"), std::string::npos);
  vkpose_pose pose;
  EXPECT_EQ(vkpose_estimate(nullptr, nullptr, 1, 1, 0, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(vkpose_set_input_size(nullptr, 257), VKPOSE_ERROR_INVALID_ARGUMENT);
  vkpose_destroy(nullptr);
}

TEST(CApi, MissingModelIsARuntimeErrorNotACrash) {
  vkpose_options o;
  vkpose_options_init(&o);
  o.model_path = "/nonexistent/model.vkpose";
  vkpose_estimator* est = nullptr;
  EXPECT_EQ(vkpose_create(&o, &est), VKPOSE_ERROR_RUNTIME);
  EXPECT_EQ(est, nullptr);
  EXPECT_NE(std::string(vkpose_error_message()).find("/nonexistent/model.vkpose"), std::string::npos);
}

TEST(CApi, KeypointNames) {
  EXPECT_STREQ(vkpose_keypoint_name(0), "nose");
  EXPECT_STREQ(vkpose_keypoint_name(16), "rightAnkle");
  EXPECT_EQ(vkpose_keypoint_name(17), nullptr);
  EXPECT_EQ(vkpose_keypoint_name(-1), nullptr);
}

TEST(CApi, EstimatesAndRefusesBadFramesOnARealModel) {
  ASSERT_STRNE(modelPath(), "") << "VKPOSE_TEST_MODEL is not set (ctest sets it to the converted PoseNet)";
  vkpose_options o;
  vkpose_options_init(&o);
  o.model_path = modelPath();
  vkpose_estimator* est = nullptr;
  ASSERT_EQ(vkpose_create(&o, &est), VKPOSE_OK) << vkpose_error_message();
  std::vector<uint8_t> grey(64 * 48 * 4, 128);
  vkpose_pose pose;
  EXPECT_EQ(vkpose_estimate(est, grey.data(), 64, 48, 0, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_OK) << vkpose_error_message();
  EXPECT_GE(pose.score, 0.f);
  EXPECT_LE(pose.score, 1.f);
  EXPECT_NE(vkpose_estimate(est, nullptr, 64, 48, 0, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_OK);
  EXPECT_NE(vkpose_estimate(est, grey.data(), 0, 0, 0, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_OK);
  EXPECT_EQ(vkpose_estimate(est, grey.data(), 64, 48, 0, vkpose_pixel_format(3), &pose), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(vkpose_estimate(est, grey.data(), 64, 48, 10, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_OK);  // stride < row
  EXPECT_NE(vkpose_set_input_size(est, 300), VKPOSE_OK);
  EXPECT_NE(std::string(vkpose_error_message()).find("289 and 305"), std::string::npos) << vkpose_error_message();
  EXPECT_EQ(vkpose_set_input_size(est, 385), VKPOSE_OK) << vkpose_error_message();
  uint64_t ticket = 0;
  ASSERT_EQ(vkpose_submit(est, grey.data(), 64, 48, 0, VKPOSE_PIXEL_RGBA8, &ticket), VKPOSE_OK);
  ASSERT_EQ(vkpose_wait(est, ticket, &pose), VKPOSE_OK) << vkpose_error_message();
  EXPECT_NE(vkpose_wait(est, ticket, &pose), VKPOSE_OK);  // already collected
  vkpose_destroy(est);
}

TEST(CApi, ChoosesTheInputSizeFromTheFrame) {
  vkpose_options o;
  vkpose_options_init(&o);
  EXPECT_EQ(o.input_size_from_frame, 0);
  EXPECT_EQ(o.max_auto_input_size, 513);
  o.model_path = modelPath();
  o.input_size_from_frame = 1;
  o.max_auto_input_size = 300;
  vkpose_estimator* est = nullptr;
  EXPECT_EQ(vkpose_create(&o, &est), VKPOSE_ERROR_RUNTIME);
  EXPECT_NE(std::string(vkpose_error_message()).find("289 and 305"), std::string::npos) << vkpose_error_message();
  o.max_auto_input_size = 289;
  ASSERT_EQ(vkpose_create(&o, &est), VKPOSE_OK) << vkpose_error_message();
  std::vector<uint8_t> grey(200 * 150 * 4, 128);
  vkpose_pose pose;
  EXPECT_EQ(vkpose_estimate(est, grey.data(), 200, 150, 0, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_OK)
      << vkpose_error_message();
  EXPECT_TRUE(std::isfinite(pose.score));
  vkpose_destroy(est);
}

vkpose::Pose toPose(const vkpose_pose& c) {
  vkpose::Pose pose;
  for (size_t k = 0; k < size_t(VKPOSE_KEYPOINT_COUNT); ++k)
    pose.keypoints[k] = {c.keypoints[k].x, c.keypoints[k].y, c.keypoints[k].score};
  pose.score = c.score;
  return pose;
}

bool messageHas(const std::string& fragment) {
  return std::string(vkpose_error_message()).find(fragment) != std::string::npos;
}

// An estimator on the test model with `frames_in_flight` slots; null (and a
// failure) where it cannot be made.
vkpose_estimator* createOnTestModel(int frames_in_flight) {
  EXPECT_STRNE(modelPath(), "") << "VKPOSE_TEST_MODEL is not set (ctest sets it to the converted PoseNet)";
  vkpose_options o;
  vkpose_options_init(&o);
  o.model_path = modelPath();
  o.fp16 = 0;  // fp32: the golden keypoints' 0.01 px bound
  o.frames_in_flight = frames_in_flight;
  vkpose_estimator* est = nullptr;
  EXPECT_EQ(vkpose_create(&o, &est), VKPOSE_OK) << vkpose_error_message();
  return est;
}

TEST(CApi, AcquireFrameRefusesNullArguments) {
  void* pixels = &pixels;
  EXPECT_EQ(vkpose_acquire_frame(nullptr, 64, 48, 0, VKPOSE_PIXEL_RGBA8, &pixels), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(messageHas("vkpose_acquire_frame: estimator and pixels must not be NULL")) << vkpose_error_message();
}

// A frame decoded into the acquired memory, through both vkpose_estimate and
// vkpose_submit/vkpose_wait, against the golden keypoints; then bad layouts,
// a layout that differs at submit, and a busy estimator.
TEST(CApi, AcquiredFramesGiveTheGoldenPoseAndRefuseMisuse) {
  vkpose_estimator* est = createOnTestModel(1);
  ASSERT_NE(est, nullptr);
  const vkpose::test::RgbImage& image = vkpose::test::photo("messi5.jpg");
  int w = image.width, h = image.height;

  void* pixels = nullptr;
  ASSERT_EQ(vkpose_acquire_frame(est, w, h, 0, VKPOSE_PIXEL_RGB8, &pixels), VKPOSE_OK) << vkpose_error_message();
  ASSERT_NE(pixels, nullptr);
  std::memcpy(pixels, image.rgb.data(), image.rgb.size());
  vkpose_pose pose;
  ASSERT_EQ(vkpose_estimate(est, pixels, w, h, 0, VKPOSE_PIXEL_RGB8, &pose), VKPOSE_OK) << vkpose_error_message();
  vkpose::test::expectGoldenPose(toPose(pose), "messi5.jpg", 257);

  ASSERT_EQ(vkpose_acquire_frame(est, w, h, w * 3, VKPOSE_PIXEL_RGB8, &pixels), VKPOSE_OK) << vkpose_error_message();
  std::memcpy(pixels, image.rgb.data(), image.rgb.size());
  uint64_t ticket = 0;
  ASSERT_EQ(vkpose_submit(est, pixels, w, h, 0, VKPOSE_PIXEL_RGB8, &ticket), VKPOSE_OK) << vkpose_error_message();
  void* busy = &busy;
  EXPECT_EQ(vkpose_acquire_frame(est, w, h, 0, VKPOSE_PIXEL_RGB8, &busy), VKPOSE_BUSY);
  EXPECT_EQ(busy, nullptr);
  EXPECT_TRUE(messageHas("every frame slot is in flight")) << vkpose_error_message();
  ASSERT_EQ(vkpose_wait(est, ticket, &pose), VKPOSE_OK) << vkpose_error_message();
  vkpose::test::expectGoldenPose(toPose(pose), "messi5.jpg", 257);

  auto refused = [&](int width, int height, int stride, vkpose_pixel_format format, vkpose_status status,
                     const char* fragment) {
    SCOPED_TRACE(fragment);
    void* p = &p;
    EXPECT_EQ(vkpose_acquire_frame(est, width, height, stride, format, &p), status);
    EXPECT_EQ(p, nullptr);
    EXPECT_TRUE(messageHas(fragment)) << vkpose_error_message();
  };
  refused(0, 0, 0, VKPOSE_PIXEL_RGBA8, VKPOSE_ERROR_RUNTIME, "frame 0x0 RGBA8 is empty");
  refused(-64, 48, 0, VKPOSE_PIXEL_RGBA8, VKPOSE_ERROR_RUNTIME, "is empty");
  refused(64, 48, 10, VKPOSE_PIXEL_RGBA8, VKPOSE_ERROR_RUNTIME, "row stride 10 bytes is smaller than a row");
  refused(64, 48, -1, VKPOSE_PIXEL_RGBA8, VKPOSE_ERROR_INVALID_ARGUMENT, "row_stride must not be negative");
  refused(64, 48, 0, vkpose_pixel_format(3), VKPOSE_ERROR_INVALID_ARGUMENT, "unknown pixel format 3");
  refused(20000, 48, 0, VKPOSE_PIXEL_RGBA8, VKPOSE_ERROR_RUNTIME, "exceeds the limit of 16384 pixels per side");

  ASSERT_EQ(vkpose_acquire_frame(est, w, h, 0, VKPOSE_PIXEL_RGB8, &pixels), VKPOSE_OK) << vkpose_error_message();
  EXPECT_EQ(vkpose_estimate(est, pixels, w, h, 0, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_ERROR_RUNTIME);
  EXPECT_TRUE(messageHas("is not the 548x342 RGB8 with row stride 1644 it was acquired for")) << vkpose_error_message();
  EXPECT_EQ(vkpose_estimate(est, pixels, w, h, 0, VKPOSE_PIXEL_RGB8, &pose), VKPOSE_ERROR_RUNTIME);
  EXPECT_TRUE(messageHas("not the frame acquired now")) << vkpose_error_message();
  vkpose_destroy(est);
}

// Frames in the caller's registered memory: read in place, bad ranges refused.
TEST(CApi, RegisteredHostMemoryGivesTheGoldenPose) {
  vkpose_estimator* est = createOnTestModel(1);
  ASSERT_NE(est, nullptr);
  const vkpose::test::RgbImage& image = vkpose::test::photo("messi5.jpg");
  std::vector<uint8_t> rgba = vkpose::test::fourBytePixels(image, vkpose::PixelFormat::RGBA8, uint32_t(image.width) * 4);

  int imported = -1;
  EXPECT_EQ(vkpose_register_host_memory(nullptr, rgba.data(), rgba.size(), &imported), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(vkpose_register_host_memory(est, nullptr, 64, &imported), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(messageHas("vkpose_register_host_memory: base is NULL")) << vkpose_error_message();
  EXPECT_EQ(imported, 0);
  EXPECT_EQ(vkpose_register_host_memory(est, rgba.data(), 0, &imported), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(messageHas("the range is 0 bytes")) << vkpose_error_message();
  EXPECT_EQ(vkpose_unregister_host_memory(est, rgba.data()), VKPOSE_ERROR_RUNTIME);
  EXPECT_TRUE(messageHas("no registered range starts at that pointer")) << vkpose_error_message();

  ASSERT_EQ(vkpose_register_host_memory(est, rgba.data(), rgba.size(), &imported), VKPOSE_OK) << vkpose_error_message();
  if (!imported) {
    std::string why = vkpose_error_message();
    vkpose_destroy(est);
    GTEST_SKIP() << "this device cannot import host memory (" << why << ")";
  }
  EXPECT_STREQ(vkpose_error_message(), "");
  vkpose_pose pose;
  ASSERT_EQ(vkpose_estimate(est, rgba.data(), image.width, image.height, 0, VKPOSE_PIXEL_RGBA8, &pose), VKPOSE_OK)
      << vkpose_error_message();
  vkpose::test::expectGoldenPose(toPose(pose), "messi5.jpg", 257);
  EXPECT_EQ(vkpose_register_host_memory(est, rgba.data() + 64, 64, &imported), VKPOSE_ERROR_RUNTIME);
  EXPECT_TRUE(messageHas("overlaps one registered already")) << vkpose_error_message();
  EXPECT_EQ(vkpose_unregister_host_memory(est, rgba.data()), VKPOSE_OK) << vkpose_error_message();
  vkpose_destroy(est);
}

// Several copy threads and no fence polling still give the golden pose, for
// frames copied on every path (estimate, and submit with two in flight).
TEST(CApi, CopyThreadsAndFenceSpinKeepTheGoldenPose) {
  ASSERT_STRNE(modelPath(), "") << "VKPOSE_TEST_MODEL is not set (ctest sets it to the converted PoseNet)";
  vkpose_options o;
  vkpose_options_init(&o);
  o.model_path = modelPath();
  o.fp16 = 0;  // fp32: the golden keypoints' 0.01 px bound
  o.copy_threads = 3;
  o.fence_spin_us = 0;
  vkpose_estimator* est = nullptr;
  ASSERT_EQ(vkpose_create(&o, &est), VKPOSE_OK) << vkpose_error_message();
  const vkpose::test::RgbImage& image = vkpose::test::photo("messi5.jpg");
  vkpose_pose pose;
  ASSERT_EQ(vkpose_estimate(est, image.rgb.data(), image.width, image.height, 0, VKPOSE_PIXEL_RGB8, &pose), VKPOSE_OK)
      << vkpose_error_message();
  vkpose::test::expectGoldenPose(toPose(pose), "messi5.jpg", 257);
  uint64_t tickets[2] = {0, 0};
  for (uint64_t& t : tickets)
    ASSERT_EQ(vkpose_submit(est, image.rgb.data(), image.width, image.height, 0, VKPOSE_PIXEL_RGB8, &t), VKPOSE_OK)
        << vkpose_error_message();
  for (uint64_t t : tickets) {
    ASSERT_EQ(vkpose_wait(est, t, &pose), VKPOSE_OK) << vkpose_error_message();
    vkpose::test::expectGoldenPose(toPose(pose), "messi5.jpg", 257);
  }
  vkpose_destroy(est);
}

}  // namespace
