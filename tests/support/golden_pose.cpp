#include "tests/support/golden_pose.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

#include "tests/support/golden_data.h"

namespace vkpose::test {

using nlohmann::json;

std::string testModelPath() {
  const char* path = std::getenv("VKPOSE_TEST_MODEL");
  if (!path)
    throw std::runtime_error("VKPOSE_TEST_MODEL is not set: run through ctest (fixture onnx_vkpose converts "
                             "models/posenet-mobilenet-v1-075.onnx) or point it at a converted .vkpose");
  return path;
}

const RgbImage& photo(const std::string& name) {
  static std::map<std::string, RgbImage> cache;  // a map keeps references stable
  auto found = cache.find(name);
  if (found == cache.end()) found = cache.emplace(name, loadRgbImage(testDataPath("images/" + name))).first;
  return found->second;
}

Frame rgbFrame(const RgbImage& image) {
  return Frame::packed(image.rgb.data(), image.width, image.height, PixelFormat::RGB8);
}

std::vector<uint8_t> fourBytePixels(const RgbImage& image, PixelFormat format, uint32_t row_stride) {
  std::vector<uint8_t> out(size_t(row_stride) * size_t(image.height), 0xAB);
  bool bgr = format == PixelFormat::BGRA8;
  for (size_t y = 0; y < size_t(image.height); ++y)
    for (size_t x = 0; x < size_t(image.width); ++x) {
      const uint8_t* rgb = &image.rgb[(y * size_t(image.width) + x) * 3];
      uint8_t* px = &out[y * row_stride + x * 4];
      px[0] = bgr ? rgb[2] : rgb[0];
      px[1] = rgb[1];
      px[2] = bgr ? rgb[0] : rgb[2];
      px[3] = 255;
    }
  return out;
}

json goldenKeypoints(const std::string& image, int size) {
  std::string path = testDataPath("golden/manifest.json");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  json manifest = json::parse(in);
  for (const json& entry : manifest.at("entries"))
    if (entry.at("image") == image && entry.at("size") == size) return entry.at("keypoints");
  throw std::runtime_error("manifest.json has no keypoints for " + image + " at " + std::to_string(size));
}

double meanShift(const Pose& pose, const json& golden) {
  double sum = 0;
  for (size_t k = 0; k < size_t(kKeypointCount); ++k)
    sum += std::hypot(pose.keypoints[k].y - golden.at(k).at("source_yx").at(0).get<double>(),
                      pose.keypoints[k].x - golden.at(k).at("source_yx").at(1).get<double>());
  return sum / kKeypointCount;
}

void expectGoldenPose(const Pose& pose, const std::string& image, int size) {
  SCOPED_TRACE(image + " at " + std::to_string(size));
  json golden = goldenKeypoints(image, size);
  ASSERT_EQ(golden.size(), size_t(kKeypointCount));
  double score_sum = 0, worst = 0;
  for (size_t k = 0; k < size_t(kKeypointCount); ++k) {
    const json& want = golden.at(k);
    SCOPED_TRACE(want.at("name").get<std::string>());
    double dy = pose.keypoints[k].y - want.at("source_yx").at(0).get<double>();
    double dx = pose.keypoints[k].x - want.at("source_yx").at(1).get<double>();
    EXPECT_NEAR(dy, 0.0, 0.01);
    EXPECT_NEAR(dx, 0.0, 0.01);
    EXPECT_NEAR(pose.keypoints[k].score, want.at("score").get<double>(), 1e-4);
    worst = std::max({worst, std::fabs(dx), std::fabs(dy)});
    score_sum += want.at("score").get<double>();
  }
  EXPECT_NEAR(pose.score, score_sum / kKeypointCount, 1e-4);
  std::printf("[ golden   ] %s at %d: largest keypoint error %.2e source px\n", image.c_str(), size, worst);
}

void expectSamePose(const Pose& got, const Pose& want, double tolerance) {
  for (size_t k = 0; k < size_t(kKeypointCount); ++k) {
    SCOPED_TRACE(kKeypointNames[k]);
    EXPECT_NEAR(got.keypoints[k].x, want.keypoints[k].x, tolerance);
    EXPECT_NEAR(got.keypoints[k].y, want.keypoints[k].y, tolerance);
    EXPECT_NEAR(got.keypoints[k].score, want.keypoints[k].score, tolerance);
  }
  EXPECT_NEAR(got.score, want.score, tolerance);
}

EstimatorOptions optionsFor(int input_size, Precision precision, int frames_in_flight) {
  EstimatorOptions options;
  options.model_path = testModelPath();
  options.input_size = input_size;
  options.precision = precision;
  options.frames_in_flight = frames_in_flight;
  options.context.validation = true;
  return options;
}

void expectNoValidationMessages(Estimator& estimator) {
  EXPECT_TRUE(estimator.context().validationEnabled());
  for (const std::string& m : estimator.context().validationLog().take()) ADD_FAILURE() << "validation message: " << m;
}

}  // namespace vkpose::test
