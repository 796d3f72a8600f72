#include "viewer/media/source.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "viewer/media/image_source.h"
#include "viewer/media/video_source.h"

namespace vkpose::view {

namespace fs = std::filesystem;

const char* sourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::Image: return "image";
    case SourceKind::Slideshow: return "slideshow";
    case SourceKind::Video: return "video";
    case SourceKind::Webcam: return "webcam";
  }
  return "?";
}

bool isImagePath(const std::string& path) {
  // The formats stb_image decodes.
  static constexpr std::array<std::string_view, 11> kExtensions = {".jpg", ".jpeg", ".png", ".bmp", ".tga", ".gif",
                                                                   ".psd", ".pnm", ".ppm", ".pgm", ".hdr"};
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::unique_ptr<FrameSource> openSource(const std::string& spec, const SourceOptions& options) {
  if (spec.rfind("/dev/video", 0) == 0) return std::make_unique<WebcamSource>(spec);
  std::error_code ec;
  if (fs::is_directory(spec, ec)) return std::make_unique<SlideshowSource>(spec, options.loop_slideshow);
  if (isImagePath(spec)) return std::make_unique<ImageSource>(spec);
  return std::make_unique<VideoSource>(spec);
}

}  // namespace vkpose::view
