#include "viewer/media/video_source.h"

#include <filesystem>
#include <system_error>

namespace vkpose::view {

namespace fs = std::filesystem;

namespace {

// Checked before FFmpeg sees the path: "No such file or directory" from
// avformat_open_input would not say which of the two a user got wrong.
const std::string& existingFile(const std::string& path, const char* what) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw MediaError(std::string("cannot open ") + what + " " + path + ": no such file");
  return path;
}

}  // namespace

VideoSource::VideoSource(const std::string& path)
    : name_(fs::path(path).filename().string()), decoder_(AvInput{existingFile(path, "video"), nullptr, false, "video"}) {}

std::string VideoSource::describe() const { return "video " + name_ + " (" + decoder_.describe() + ")"; }

WebcamSource::WebcamSource(const std::string& device)
    : device_(device), decoder_(AvInput{device, "video4linux2", true, "webcam"}) {}

bool WebcamSource::next(RgbaFrame& frame) {
  if (!decoder_.next(frame)) return false;
  // Camera timestamps follow the kernel's clock; the HUD only needs time
  // since the viewer started.
  frame.timestamp = std::chrono::duration<double>(frame.decoded_at - start_).count();
  return true;
}

std::string WebcamSource::describe() const { return "webcam " + device_ + " (" + decoder_.describe() + ")"; }

}  // namespace vkpose::view
