// vkpose-convert: ONNX or TF.js PoseNet -> .vkpose (or standard ONNX), and
// --inspect for .vkpose files. Exit status: 0 done, 1 the model could not be
// converted (nothing written), 2 bad command line.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "converter/cli_options.h"
#include "converter/onnx_export.h"
#include "converter/onnx_import.h"
#include "converter/passes/passes.h"
#include "converter/tfjs_import.h"
#include "converter/vkpose_writer.h"
#include "runtime/model/model.h"
#include "runtime/model/summary.h"

namespace vkpose::convert {
namespace {

Graph importAny(const std::string& path, Log& log) {
  std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".onnx") return importOnnx(path, log);
  if (ext == ".json") return importTfjs(path, log);
  throw ConvertError("cannot tell the format of " + path + ": expected a .onnx file or a TF.js model.json");
}

void convert(const CliOptions& o, Log& log) {
  Graph graph = importAny(o.input, log);
  runPasses(graph, {.relayout = true, .fp16 = o.fp16}, log);
  writeFileAtomically(o.output, writeVkpose(graph));
  std::printf("wrote %s (%zu nodes)\n", o.output.c_str(), graph.nodes.size());
}

void toOnnx(const CliOptions& o, Log& log) {
  Graph graph = importAny(o.input, log);
  runPasses(graph, {.relayout = false, .fp16 = false}, log);
  writeFileAtomically(o.output, exportOnnx(graph));
  std::printf("wrote %s (%zu nodes)\n", o.output.c_str(), graph.nodes.size());
}

void inspect(const CliOptions& o) {
  Model model = loadModel(o.input);
  std::fputs(summarizeModel(model, o.inspect_size).c_str(), stdout);
}

int run(const CliOptions& o) {
  Log log(o.verbose, &std::cerr);
  switch (o.mode) {
    case CliMode::Help: std::fputs(cliUsage(), stdout); return 0;
    case CliMode::Convert: convert(o, log); return 0;
    case CliMode::ToOnnx: toOnnx(o, log); return 0;
    case CliMode::Inspect: inspect(o); return 0;
  }
  return 0;
}

}  // namespace
}  // namespace vkpose::convert

int main(int argc, char** argv) {
  using namespace vkpose::convert;
  CliOptions options;
  try {
    options = parseCli(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "vkpose-convert: %s\n%s", e.what(), cliUsage());
    return 2;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose-convert: %s\n", e.what());
    return 1;
  }
}
