// Poses against the golden TF.js keypoints (tests/data/golden/manifest.json:
// source pixels, as tools/oracle/golden.js decoded them on the CPU), and the
// committed photos as frames. Shared by the Estimator, C API and embedding
// tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/estimator.h"
#include "tests/support/preprocess_reference.h"

namespace vkpose::test {

// The converted PoseNet the ctest fixture made (VKPOSE_TEST_MODEL). Throws
// when unset: a missing model is a broken setup, not a reason to skip.
std::string testModelPath();

// tests/data/images/<name>, decoded once per process.
const RgbImage& photo(const std::string& name);
Frame rgbFrame(const RgbImage& image);
// The photo as 4-byte pixels in `format` (RGBA8 or BGRA8), alpha 255, rows
// padded to `row_stride` bytes.
std::vector<uint8_t> fourBytePixels(const RgbImage& image, PixelFormat format, uint32_t row_stride);

// The golden keypoints of `image` at input `size` (17 objects with
// source_yx, score, name).
nlohmann::json goldenKeypoints(const std::string& image, int size);
// Mean distance in source pixels between the pose and the golden keypoints.
double meanShift(const Pose& pose, const nlohmann::json& golden);
// Every keypoint within 0.01 px of the golden one, scores within 1e-4.
void expectGoldenPose(const Pose& pose, const std::string& image, int size);
void expectSamePose(const Pose& got, const Pose& want, double tolerance);

// Options for an Estimator on the test model with validation on.
EstimatorOptions optionsFor(int input_size = 257, Precision precision = Precision::FP32, int frames_in_flight = 2);
// Fails the test for each message the Estimator's validation layer logged.
void expectNoValidationMessages(Estimator& estimator);

}  // namespace vkpose::test
