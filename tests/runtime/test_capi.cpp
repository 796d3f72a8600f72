// The C API: statuses and messages for bad calls, and a real estimate through
// it. Nothing may throw across it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/capi/vkpose.h"

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
  EXPECT_EQ(o.fp16, 0);
  EXPECT_EQ(o.frames_in_flight, 2);
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

}  // namespace
