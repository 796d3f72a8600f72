#include "viewer/app/keypoints_json.h"

#include <cmath>
#include <cstdio>

#include "runtime/keypoints.h"

namespace vkpose::view {

namespace {

std::string number(double v, const char* fmt = "%.4f") {
  if (!std::isfinite(v)) return "null";
  char buf[48];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string frameJson(const FramePose& f) {
  std::string keypoints;
  for (const Keypoint& k : f.pose.keypoints)
    keypoints += std::string(keypoints.empty() ? "" : ", ") + "[" + number(k.x) + ", " + number(k.y) + ", " +
                 number(k.score) + "]";
  return "{\"index\": " + std::to_string(f.index) + ", \"timestamp\": " + number(f.timestamp) +
         ", \"width\": " + std::to_string(f.width) + ", \"height\": " + std::to_string(f.height) +
         ", \"file\": " + quoted(f.file) + ", \"score\": " + number(f.pose.score) + ",\n     \"keypoints\": [" +
         keypoints + "]}";
}

}  // namespace

std::string keypointsJson(const std::string& source, int input_size, float min_confidence,
                          const std::vector<FramePose>& frames) {
  std::string names;
  for (std::string_view n : kKeypointNames) names += (names.empty() ? "" : ", ") + quoted(std::string(n));
  std::string out = "{\"source\": " + quoted(source) + ", \"input_size\": " + std::to_string(input_size) +
                    ", \"min_confidence\": " + number(min_confidence, "%.3f") + ",\n \"keypoint_names\": [" + names +
                    "],\n \"frames\": [\n";
  for (size_t i = 0; i < frames.size(); ++i) out += "  " + frameJson(frames[i]) + (i + 1 < frames.size() ? ",\n" : "\n");
  return out + " ]}\n";
}

}  // namespace vkpose::view
