// Frames from anything libavformat opens: a video file, or a webcam through
// libavdevice's v4l2 input. Decoded with libavcodec and converted to RGBA8
// by libswscale, honouring the stream's colour matrix and range.
#pragma once

#include <cstdint>
#include <string>

#include "viewer/media/source.h"

struct AVFormatContext;
struct AVCodecContext;
struct AVFrame;
struct AVPacket;
struct SwsContext;

namespace vkpose::view {

struct AvInput {
  std::string url;                   // a file path or a device such as /dev/video0
  const char* input_format = nullptr;  // "video4linux2" for webcams; null lets libavformat probe
  bool live = false;                 // a camera: always hand out the newest frame, drop stale ones
  std::string what = "video";        // how messages name the input: "video", "webcam"
};

class AvDecoder {
 public:
  // Opens the input and its best video stream and checks the pixel format.
  // Throws MediaError with FFmpeg's reason (and its last logged error).
  explicit AvDecoder(const AvInput& input);
  ~AvDecoder();
  AvDecoder(const AvDecoder&) = delete;
  AvDecoder& operator=(const AvDecoder&) = delete;

  // The next frame in RGBA8; false at the end of the stream. Throws
  // MediaError for an undecodable stream or an unsupported pixel format.
  bool next(RgbaFrame& frame);
  std::string describe() const;  // "h264 720x1280, 5 fps"

 private:
  bool decodeNext();             // fills frame_; false at the end
  bool receive();                // a frame from the decoder, if one is ready
  bool readPacket();             // feeds one packet of our stream; false at end of input
  bool readNewestPacket();       // live inputs: the newest packet queued, waiting for one if needed
  void sendPacket(const AVPacket* packet);
  void convert(RgbaFrame& out);
  std::string fail(const std::string& what, int av_error) const;
  std::string openError(int av_error) const;
  void release();

  AvInput input_;
  AVFormatContext* format_ = nullptr;
  AVCodecContext* codec_ = nullptr;
  AVFrame* frame_ = nullptr;
  AVPacket* packet_ = nullptr;
  SwsContext* sws_ = nullptr;
  int stream_ = -1;
  bool flushed_ = false;
  int64_t delivered_ = 0;
  int decode_errors_ = 0;
  int64_t first_pts_ = INT64_MIN;
  double fps_ = 0;
  int colour_space_ = -1, full_range_ = -1;
};

}  // namespace vkpose::view
