#include "viewer/media/image_source.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "tools/vkpose/image_io.h"

namespace vkpose::view {

namespace fs = std::filesystem;

void loadImageFrame(const std::string& path, RgbaFrame& frame) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw MediaError("cannot open " + path + ": no such file");
  if (fs::is_directory(path, ec)) throw MediaError(path + " is a folder, not an image");
  try {
    cli::Image image = cli::loadImage(path);
    frame.width = image.width;
    frame.height = image.height;
    frame.pixels = std::move(image.rgba);
  } catch (const std::runtime_error& e) {
    throw MediaError(e.what());  // stb's reason, with the file name
  }
  frame.decoded_at = std::chrono::steady_clock::now();
}

ImageSource::ImageSource(std::string path) : path_(std::move(path)) { loadImageFrame(path_, frame_); }

bool ImageSource::next(RgbaFrame& frame) {
  if (delivered_) return false;
  delivered_ = true;
  frame = frame_;
  frame.index = 0;
  frame.timestamp = 0;
  frame.decoded_at = std::chrono::steady_clock::now();
  return true;
}

std::string ImageSource::describe() const {
  return "image " + fs::path(path_).filename().string() + " (" + std::to_string(frame_.width) + "x" +
         std::to_string(frame_.height) + ")";
}

SlideshowSource::SlideshowSource(std::string folder, bool loop) : folder_(std::move(folder)), loop_(loop) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder_, ec))
    if (entry.is_regular_file() && isImagePath(entry.path().string())) files_.push_back(entry.path().string());
  if (ec) throw MediaError("cannot read folder " + folder_ + ": " + ec.message());
  if (files_.empty())
    throw MediaError("folder " + folder_ + " holds no images (jpg, jpeg, png, bmp, tga, gif, psd, pnm, hdr)");
  std::sort(files_.begin(), files_.end());
}

bool SlideshowSource::next(RgbaFrame& frame) {
  // At most one full pass per call, so a folder of undecodable files ends
  // with an error instead of spinning.
  for (size_t tried = 0; tried < files_.size(); ++tried) {
    if (position_ == files_.size()) {
      if (!loop_) return false;
      position_ = 0;
    }
    const std::string& path = files_[position_++];
    try {
      loadImageFrame(path, frame);
    } catch (const MediaError& e) {
      std::fprintf(stderr, "vkpose-view: skipping %s\n", e.what());
      continue;
    }
    current_ = fs::path(path).filename().string();
    frame.index = delivered_++;
    frame.timestamp = 0;
    return true;
  }
  if (delivered_ == 0) throw MediaError("no image in folder " + folder_ + " could be decoded");
  return false;
}

std::string SlideshowSource::describe() const {
  return "slideshow " + folder_ + " (" + std::to_string(files_.size()) + " images" +
         (current_.empty() ? "" : ", showing " + current_) + ")";
}

}  // namespace vkpose::view
