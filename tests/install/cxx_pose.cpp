// The C++ API from an installed vkpose: one image in, 17 keypoints printed.
//   cxx_pose MODEL.vkpose IMAGE
// Exercises the asynchronous path (submit, poll, wait) as a camera loop would.
#include <cstdio>
#include <exception>
#include <optional>

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include "runtime/estimator.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL.vkpose IMAGE\n", argv[0]);
    return 2;
  }
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[2], &width, &height, &channels, 4);
  if (!pixels) {
    std::fprintf(stderr, "cannot read %s: %s\n", argv[2], stbi_failure_reason());
    return 1;
  }
  int status = 1;
  try {
    vkpose::Estimator estimator({.model_path = argv[1]});
    auto frame = vkpose::Frame::packed(pixels, width, height, vkpose::PixelFormat::RGBA8);
    std::optional<vkpose::Ticket> ticket = estimator.submit(frame);
    if (!ticket) throw vkpose::Error("no free frame slot on a fresh Estimator");
    std::optional<vkpose::Pose> pose = estimator.poll(*ticket);
    if (!pose) pose = estimator.wait(*ticket);
    for (int k = 0; k < vkpose::kKeypointCount; ++k) {
      const vkpose::Keypoint& p = pose->keypoints[k];
      const std::string_view name = vkpose::kKeypointNames[k];
      std::printf("%-14.*s %8.2f %8.2f %.3f\n", static_cast<int>(name.size()), name.data(), p.x, p.y, p.score);
    }
    std::printf("pose score %.3f\n", pose->score);
    status = 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cxx_pose: %s\n", e.what());
  }
  stbi_image_free(pixels);
  return status;
}
