// Shared by the viewer's test checkers: reading poses from JSON, and telling
// skeleton pixels (the confidence ramp: red..green, blue 40) from the photo.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/estimator.h"
#include "tools/vkpose/image_io.h"

namespace vkpose::view::check {

inline nlohmann::json readJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

// [x, y, s] * 17 in one flat array (COCO results) or 17 [x, y, s] triples
// (keypoints.json). A null (non-finite) number throws.
inline Pose poseFromFlat(const nlohmann::json& values) {
  Pose pose;
  if (values.size() != size_t(kKeypointCount) * 3) throw std::runtime_error("expected 51 keypoint numbers");
  for (int k = 0; k < kKeypointCount; ++k)
    pose.keypoints[size_t(k)] = {values[size_t(k) * 3].get<float>(), values[size_t(k) * 3 + 1].get<float>(),
                                 values[size_t(k) * 3 + 2].get<float>()};
  return pose;
}

inline Pose poseFromTriples(const nlohmann::json& triples) {
  nlohmann::json flat = nlohmann::json::array();
  for (const auto& t : triples) {
    if (t.size() != 3) throw std::runtime_error("a keypoint is not [x, y, score]");
    for (const auto& v : t) {
      if (!v.is_number()) throw std::runtime_error("a keypoint holds a non-number (NaN or infinity was written as null)");
      flat.push_back(v);
    }
  }
  return poseFromFlat(flat);
}

// The skeleton's colours: R + G = 255 and B = 40 (render/layout.h
// confidenceColour), within `tolerance` for rounding and blending.
inline bool isSkeletonColour(const uint8_t* p, int tolerance) {
  return std::abs(int(p[0]) + int(p[1]) - 255) <= tolerance && std::abs(int(p[2]) - 40) <= tolerance;
}

inline const uint8_t* pixel(const cli::Image& image, int x, int y) {
  x = std::clamp(x, 0, image.width - 1);
  y = std::clamp(y, 0, image.height - 1);
  return &image.rgba[(size_t(y) * size_t(image.width) + size_t(x)) * 4];
}

inline int fail(const std::string& message) {
  std::printf("FAIL: %s\n", message.c_str());
  return 1;
}

}  // namespace vkpose::view::check
