// vkpose: the command-line front of the runtime. `vkpose run` estimates the
// pose in one image. Exit status: 0 done, 1 the image or model could not be
// used (message says why), 2 bad command line.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "runtime/estimator.h"
#include "tools/vkpose/coco_json.h"
#include "tools/vkpose/draw.h"
#include "tools/vkpose/image_io.h"
#include "tools/vkpose/run_options.h"

namespace vkpose::cli {
namespace {

void printPose(const Pose& pose) {
  std::printf("%-14s %10s %10s %7s\n", "keypoint", "x", "y", "score");
  for (size_t i = 0; i < pose.keypoints.size(); ++i) {
    const Keypoint& k = pose.keypoints[i];
    std::printf("%-14s %10.2f %10.2f %7.3f\n", std::string(kKeypointNames[i]).c_str(), double(k.x), double(k.y),
                double(k.score));
  }
  std::printf("pose score %.3f\n", double(pose.score));
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

int run(const RunOptions& o) {
  Image image = loadImage(o.image);
  EstimatorOptions options;
  options.model_path = o.model;
  options.input_size = o.input_size;
  if (o.fp16) options.precision = *o.fp16 ? Precision::FP16Storage : Precision::FP32;
  Estimator estimator(options);
  Pose pose = estimator.estimate(Frame::packed(image.rgba.data(), image.width, image.height, PixelFormat::RGBA8));
  printPose(pose);
  if (!o.json_path.empty())
    writeText(o.json_path, cocoResultsJson(std::filesystem::path(o.image).filename().string(), pose));
  if (!o.draw_path.empty()) {
    drawPose(image, pose, o.min_score);
    savePng(o.draw_path, image);
  }
  return 0;
}

}  // namespace
}  // namespace vkpose::cli

int main(int argc, char** argv) {
  using namespace vkpose::cli;
  RunOptions options;
  try {
    options = parseRunOptions(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "vkpose: %s\n%s", e.what(), runUsage());
    return 2;
  }
  if (options.help) {
    std::fputs(runUsage(), stdout);
    return 0;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose: %s\n", e.what());
    return 1;
  }
}
