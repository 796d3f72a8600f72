// Video files and webcams, both decoded by AvDecoder.
#pragma once

#include <string>

#include "viewer/media/av_decoder.h"

namespace vkpose::view {

class VideoSource : public FrameSource {
 public:
  explicit VideoSource(const std::string& path);  // throws MediaError: missing, corrupt, no video, bad format
  bool next(RgbaFrame& frame) override { return decoder_.next(frame); }
  SourceKind kind() const override { return SourceKind::Video; }
  std::string describe() const override;
  bool paced() const override { return true; }

 private:
  std::string name_;
  AvDecoder decoder_;
};

class WebcamSource : public FrameSource {
 public:
  explicit WebcamSource(const std::string& device);  // throws MediaError: no such device, not a camera, busy
  bool next(RgbaFrame& frame) override;
  SourceKind kind() const override { return SourceKind::Webcam; }
  std::string describe() const override;

 private:
  std::string device_;
  AvDecoder decoder_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace vkpose::view
