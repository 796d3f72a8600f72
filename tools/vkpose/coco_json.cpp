#include "tools/vkpose/coco_json.h"

#include <cstdio>

namespace vkpose::cli {

namespace {

std::string number(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", double(v));
  return buf;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string cocoResultsJson(const std::string& image_id, const Pose& pose) {
  std::string keypoints;
  for (const Keypoint& k : pose.keypoints)
    keypoints += (keypoints.empty() ? "" : ", ") + number(k.x) + ", " + number(k.y) + ", " + number(k.score);
  return "[{\"image_id\": " + quoted(image_id) + ", \"category_id\": 1, \"keypoints\": [" + keypoints +
         "], \"score\": " + number(pose.score) + "}]\n";
}

}  // namespace vkpose::cli
