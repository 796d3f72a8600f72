// `vkpose run` command line, parsed without side effects.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vkpose::cli {

struct RunOptions {
  bool help = false;
  std::string model;
  std::string image;
  int input_size = 257;
  std::optional<bool> fp16;  // --fp16 / --fp32; unset: the device's preferred precision
  std::string json_path;
  std::string draw_path;
  float min_score = 0.3f;  // keypoints drawn at or above this score
};

// Throws std::invalid_argument naming the bad argument.
RunOptions parseRunOptions(const std::vector<std::string>& args);
const char* runUsage();

}  // namespace vkpose::cli
