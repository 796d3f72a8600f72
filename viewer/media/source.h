// Where frames come from: an image file, a folder of images (a slideshow), a
// video file (libavformat/libavcodec) or a webcam (libavdevice's v4l2 input).
// Every source yields RGBA8 frames with a timestamp; every failure is a
// MediaError whose message names the source and what is wrong with it.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "viewer/media/frame.h"

namespace vkpose::view {

// Bad input (missing file, corrupt video, no webcam, unsupported pixel
// format): the viewer prints the message and exits with status 1.
class MediaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SourceKind { Image, Slideshow, Video, Webcam };
const char* sourceKindName(SourceKind kind);  // "image", "slideshow", "video", "webcam"

class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // Decodes the next frame into `frame` (reusing its pixel memory); false at
  // the end. Throws MediaError when the input turns out to be unusable.
  virtual bool next(RgbaFrame& frame) = 0;
  virtual SourceKind kind() const = 0;
  // One line for the HUD and logs, e.g. "video pose_squats.mp4 (h264, 5 fps)".
  virtual std::string describe() const = 0;
  // Whether frames should be shown at their timestamps (a file played back),
  // rather than as soon as they arrive (a webcam is already real time, a
  // slideshow is paced by the viewer).
  virtual bool paced() const { return false; }
};

struct SourceOptions {
  bool loop_slideshow = false;  // a window keeps cycling; headless shows each image once
};

// Chooses the source from the argument: /dev/videoN is a webcam, a folder is
// a slideshow, a known image extension an image, anything else is probed as
// a video. Throws MediaError (missing path, nothing decodable, ...).
std::unique_ptr<FrameSource> openSource(const std::string& spec, const SourceOptions& options = {});

bool isImagePath(const std::string& path);  // by extension: jpg, jpeg, png, bmp, tga, gif, psd, pnm, ppm, pgm, hdr

}  // namespace vkpose::view
