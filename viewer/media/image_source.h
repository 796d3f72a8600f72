// Still pictures: one image file, or every image in a folder (sorted by
// name) as a slideshow. Decoding is stb_image's, shared with `vkpose run`.
#pragma once

#include <string>
#include <vector>

#include "viewer/media/source.h"

namespace vkpose::view {

// Loads an image into a frame. Throws MediaError naming the file: missing,
// unreadable, a format or pixel format stb_image cannot decode, too large.
void loadImageFrame(const std::string& path, RgbaFrame& frame);

class ImageSource : public FrameSource {
 public:
  explicit ImageSource(std::string path);  // decodes at once so errors surface before any window opens
  bool next(RgbaFrame& frame) override;    // the picture once, then the end
  SourceKind kind() const override { return SourceKind::Image; }
  std::string describe() const override;

 private:
  std::string path_;
  RgbaFrame frame_;
  bool delivered_ = false;
};

class SlideshowSource : public FrameSource {
 public:
  // Throws MediaError when the folder is missing or holds no image files.
  SlideshowSource(std::string folder, bool loop);
  // The next image that decodes; one that does not is skipped with a warning
  // on stderr. Throws when a whole pass over the folder decoded nothing.
  bool next(RgbaFrame& frame) override;
  SourceKind kind() const override { return SourceKind::Slideshow; }
  std::string describe() const override;

 private:
  std::string folder_;
  std::vector<std::string> files_;
  bool loop_;
  size_t position_ = 0;
  int64_t delivered_ = 0;
  std::string current_;
};

}  // namespace vkpose::view
