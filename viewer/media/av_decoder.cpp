#include "viewer/media/av_decoder.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <thread>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "runtime/estimator.h"

namespace vkpose::view {

namespace {

// FFmpeg explains most failures only in its log (e.g. "moov atom not found"),
// not in the error code. Keep its last error line for our own message
// instead of letting it print between ours.
std::mutex g_log_mutex;
std::string g_last_av_error;

void onAvLog(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_ERROR) return;
  char line[512];
  int print_prefix = 0;  // not "[mov,mp4 @ 0x55...]": the message names the input itself
  av_log_format_line(avcl, level, fmt, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::lock_guard lock(g_log_mutex);
  g_last_av_error = text;
}

void initFfmpegOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_callback(onAvLog);
    avdevice_register_all();
  });
}

std::string takeLastAvError() {
  std::lock_guard lock(g_log_mutex);
  std::string text;
  text.swap(g_last_av_error);
  return text;
}

std::string avErrorText(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(error, text, sizeof text);
  return text;
}

const char* pixelFormatText(int format) {
  const char* name = av_get_pix_fmt_name(AVPixelFormat(format));
  return name ? name : "unknown";
}

std::string unsupportedFormat(const std::string& what, const std::string& url, int format) {
  return what + " " + url + ": pixel format " + pixelFormatText(format) +
         " is not supported (libswscale cannot convert it to RGBA)";
}

}  // namespace

AvDecoder::AvDecoder(const AvInput& input) : input_(input) {
  initFfmpegOnce();
  takeLastAvError();
  const AVInputFormat* format = input.input_format ? av_find_input_format(input.input_format) : nullptr;
  if (input.input_format && !format)
    throw MediaError(std::string("this FFmpeg has no ") + input.input_format + " input (libavdevice)");
  int r = avformat_open_input(&format_, input.url.c_str(), format, nullptr);
  if (r < 0) {
    format_ = nullptr;  // freed by avformat_open_input on failure
    throw MediaError(openError(r));
  }
  // Cameras: never block in av_read_frame, so stale frames can be drained.
  if (input.live) format_->flags |= AVFMT_FLAG_NONBLOCK;
  if ((r = avformat_find_stream_info(format_, nullptr)) < 0) {
    release();
    throw MediaError(fail("cannot read the streams of", r));
  }
  stream_ = av_find_best_stream(format_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (stream_ < 0) {
    release();
    throw MediaError(input.what + " " + input.url + " has no video stream");
  }
  const AVCodecParameters* params = format_->streams[stream_]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(params->codec_id);
  if (!codec) {
    std::string name = avcodec_get_name(params->codec_id);
    release();
    throw MediaError(input.what + " " + input.url + ": this FFmpeg cannot decode codec " + name);
  }
  if (params->format != AV_PIX_FMT_NONE && !sws_isSupportedInput(AVPixelFormat(params->format))) {
    std::string message = unsupportedFormat(input.what, input.url, params->format);
    release();
    throw MediaError(message);
  }
  codec_ = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(codec_, params);
  codec_->thread_count = 0;  // as many as libavcodec finds useful
  if ((r = avcodec_open2(codec_, codec, nullptr)) < 0) {
    release();
    throw MediaError(fail("cannot start the decoder for", r));
  }
  AVRational rate = av_guess_frame_rate(format_, format_->streams[stream_], nullptr);
  fps_ = rate.den > 0 ? av_q2d(rate) : 0;
  frame_ = av_frame_alloc();
  packet_ = av_packet_alloc();
}

AvDecoder::~AvDecoder() { release(); }

void AvDecoder::release() {
  sws_freeContext(sws_);
  sws_ = nullptr;
  av_packet_free(&packet_);
  av_frame_free(&frame_);
  avcodec_free_context(&codec_);
  avformat_close_input(&format_);
}

std::string AvDecoder::openError(int av_error) const {
  if (input_.live) {
    takeLastAvError();  // says the same as the cases below, less clearly
    if (av_error == AVERROR(ENOENT)) return "no webcam at " + input_.url + " (no such device)";
    if (av_error == AVERROR(EACCES))
      return "cannot open webcam " + input_.url + ": permission denied (is the user in the 'video' group?)";
    if (av_error == AVERROR(EBUSY)) return "webcam " + input_.url + " is busy (another program is using it)";
  }
  std::string message = fail("cannot open", av_error);
  if (av_error == AVERROR_INVALIDDATA) message += "; not a video FFmpeg can read, or a damaged file";
  return message;
}

std::string AvDecoder::fail(const std::string& what, int av_error) const {
  std::string message = what + " " + input_.what + " " + input_.url + ": " + avErrorText(av_error);
  std::string detail = takeLastAvError();
  if (!detail.empty()) message += " (" + detail + ")";
  return message;
}

bool AvDecoder::next(RgbaFrame& frame) {
  if (!decodeNext()) {
    if (delivered_ == 0)
      throw MediaError(input_.what + " " + input_.url + " holds no decodable video frame" +
                       (decode_errors_ ? " (" + std::to_string(decode_errors_) + " decoding errors)" : ""));
    return false;
  }
  convert(frame);
  frame.index = delivered_++;
  frame.decoded_at = std::chrono::steady_clock::now();
  int64_t pts = frame_->best_effort_timestamp;
  if (pts != AV_NOPTS_VALUE) {
    if (first_pts_ == INT64_MIN) first_pts_ = pts;
    frame.timestamp = double(pts - first_pts_) * av_q2d(format_->streams[stream_]->time_base);
  } else {
    frame.timestamp = fps_ > 0 ? double(frame.index) / fps_ : 0;
  }
  return true;
}

bool AvDecoder::decodeNext() {
  for (;;) {
    if (receive()) return true;
    if (flushed_) return false;
    bool more = input_.live ? readNewestPacket() : readPacket();
    if (!more) {
      sendPacket(nullptr);  // drain the frames the decoder still holds
      flushed_ = true;
    }
  }
}

bool AvDecoder::receive() {
  int r = avcodec_receive_frame(codec_, frame_);
  if (r == 0) return true;
  if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return false;
  ++decode_errors_;
  return false;
}

bool AvDecoder::readPacket() {
  for (;;) {
    int r = av_read_frame(format_, packet_);
    if (r == AVERROR_EOF) return false;
    if (r < 0) {
      // A damaged file ends where it can no longer be read; what decoded so
      // far is shown (a file with nothing decodable fails in next()).
      std::fprintf(stderr, "vkpose-view: %s\n", fail("stopped reading", r).c_str());
      return false;
    }
    bool ours = packet_->stream_index == stream_;
    if (ours) sendPacket(packet_);
    av_packet_unref(packet_);
    if (ours) return true;
  }
}

bool AvDecoder::readNewestPacket() {
  // A camera keeps filling its queue while we estimate; decoding the oldest
  // frame would let latency grow without bound. Webcam streams (raw, MJPEG)
  // are intra-only, so every frame but the newest can simply be dropped.
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::seconds(5);
  AVPacket* newest = av_packet_alloc();
  bool have = false;
  for (;;) {
    int r = av_read_frame(format_, packet_);
    if (r == AVERROR(EAGAIN)) {
      if (have) break;
      if (Clock::now() > deadline) {
        av_packet_free(&newest);
        throw MediaError(input_.what + " " + input_.url + " delivered no frame for 5 seconds");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (r < 0) {
      if (r != AVERROR_EOF) std::fprintf(stderr, "vkpose-view: %s\n", fail("stopped reading", r).c_str());
      break;
    }
    if (packet_->stream_index == stream_) {
      av_packet_unref(newest);
      av_packet_move_ref(newest, packet_);
      have = true;
    } else {
      av_packet_unref(packet_);
    }
  }
  if (have) sendPacket(newest);
  av_packet_free(&newest);
  return have;
}

void AvDecoder::sendPacket(const AVPacket* packet) {
  int r = avcodec_send_packet(codec_, packet);
  if (r < 0 && r != AVERROR(EAGAIN) && r != AVERROR_EOF) ++decode_errors_;
}

void AvDecoder::convert(RgbaFrame& out) {
  auto format = AVPixelFormat(frame_->format);
  if (!sws_isSupportedInput(format)) throw MediaError(unsupportedFormat(input_.what, input_.url, format));
  int w = frame_->width, h = frame_->height;
  if (w <= 0 || h <= 0 || w > kEstimatorMaxFrameSide || h > kEstimatorMaxFrameSide)
    throw MediaError(input_.what + " " + input_.url + ": frame size " + std::to_string(w) + "x" + std::to_string(h) +
                     " is outside 1.." + std::to_string(kEstimatorMaxFrameSide));
  SwsContext* previous = sws_;
  sws_ = sws_getCachedContext(sws_, w, h, format, w, h, AV_PIX_FMT_RGBA, SWS_BILINEAR, nullptr, nullptr, nullptr);
  if (!sws_) throw MediaError(unsupportedFormat(input_.what, input_.url, format));
  // Use the stream's own matrix (BT.601/709) and range (TV/full), which the
  // default conversion would ignore. Only when they change: it rebuilds tables.
  int full_range = frame_->color_range == AVCOL_RANGE_JPEG;
  int space = frame_->colorspace == AVCOL_SPC_UNSPECIFIED ? SWS_CS_DEFAULT : int(frame_->colorspace);
  if (sws_ != previous || space != colour_space_ || full_range != full_range_) {
    sws_setColorspaceDetails(sws_, sws_getCoefficients(space), full_range, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0,
                             1 << 16, 1 << 16);
    colour_space_ = space;
    full_range_ = full_range;
  }
  out.width = w;
  out.height = h;
  out.pixels.resize(out.bytes());
  uint8_t* planes[4] = {out.pixels.data(), nullptr, nullptr, nullptr};
  int strides[4] = {w * 4, 0, 0, 0};
  sws_scale(sws_, frame_->data, frame_->linesize, 0, h, planes, strides);
}

std::string AvDecoder::describe() const {
  char fps[32] = "";
  if (fps_ > 0) std::snprintf(fps, sizeof fps, ", %.4g fps", fps_);
  return std::string(avcodec_get_name(codec_->codec_id)) + " " + std::to_string(codec_->width) + "x" +
         std::to_string(codec_->height) + fps;
}

}  // namespace vkpose::view
