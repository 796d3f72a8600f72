#include "viewer/paths.h"

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace vkpose::view {

namespace fs = std::filesystem;

namespace {

std::string firstExisting(const std::vector<std::string>& candidates, const std::string& what, const std::string& hint) {
  std::error_code ec;
  for (const std::string& c : candidates)
    if (fs::is_regular_file(c, ec)) return fs::path(c).lexically_normal().string();
  std::string message = "no " + what + " found; looked in:";
  for (const std::string& c : candidates) message += "\n  " + fs::path(c).lexically_normal().string();
  throw std::runtime_error(message + "\n" + hint);
}

}  // namespace

std::string executableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

std::vector<std::string> modelCandidates(const std::string& exe_dir) {
  return {exe_dir + "/posenet.vkpose",
          exe_dir + "/../share/vkpose/posenet.vkpose",  // installed: PREFIX/bin and PREFIX/share/vkpose
          exe_dir + "/../../models/posenet.vkpose",     // build/<config>/viewer -> build/models (tools/run.sh)
          std::string(VKPOSE_VIEW_SOURCE_DIR) + "/build/models/posenet.vkpose"};
}

std::vector<std::string> samplePhotoCandidates(const std::string& exe_dir) {
  return {exe_dir + "/../share/vkpose/pose.jpg", std::string(VKPOSE_VIEW_SOURCE_DIR) + "/tests/data/images/pose.jpg"};
}

std::string defaultModelPath() {
  return firstExisting(modelCandidates(executableDir()), "model (posenet.vkpose)",
                       "convert the committed ONNX first:\n"
                       "  vkpose-convert models/posenet-mobilenet-v1-075.onnx -o build/models/posenet.vkpose\n"
                       "(tools/run.sh does this), or pass --model M.vkpose");
}

std::string defaultSamplePhoto() {
  return firstExisting(samplePhotoCandidates(executableDir()), "sample photo", "pass an image, video or webcam as SOURCE");
}

}  // namespace vkpose::view
