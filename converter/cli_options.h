// vkpose-convert's command line, parsed without side effects so it can be
// tested on its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vkpose::convert {

enum class CliMode { Convert, ToOnnx, Inspect, Help };

struct CliOptions {
  CliMode mode = CliMode::Convert;
  std::string input;   // .onnx, TF.js model.json, or .vkpose for --inspect
  std::string output;  // -o / --to-onnx target
  bool fp16 = false;
  bool verbose = false;
  int inspect_size = 257;
};

// Throws std::invalid_argument with a message naming the bad argument.
CliOptions parseCli(const std::vector<std::string>& args);

const char* cliUsage();

}  // namespace vkpose::convert
