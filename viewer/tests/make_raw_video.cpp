// Test helper: writes a short uncompressed video in any pixel format FFmpeg
// names, e.g. one libswscale cannot convert (NV16), to test how the viewer
// refuses it. Usage: make_raw_video OUT.nut PIXEL_FORMAT WIDTH HEIGHT FRAMES
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

namespace {

int fail(const char* what, int error = 0) {
  char text[AV_ERROR_MAX_STRING_SIZE] = "";
  if (error) av_strerror(error, text, sizeof text);
  std::fprintf(stderr, "make_raw_video: %s %s\n", what, text);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) return fail("usage: make_raw_video OUT.nut PIXEL_FORMAT WIDTH HEIGHT FRAMES");
  AVPixelFormat format = av_get_pix_fmt(argv[2]);
  int width = std::atoi(argv[3]), height = std::atoi(argv[4]), frames = std::atoi(argv[5]);
  if (format == AV_PIX_FMT_NONE || width <= 0 || height <= 0 || frames <= 0) return fail("bad arguments");
  AVFormatContext* out = nullptr;
  int r = avformat_alloc_output_context2(&out, nullptr, "nut", argv[1]);
  if (r < 0) return fail("cannot create the muxer", r);
  AVStream* stream = avformat_new_stream(out, nullptr);
  stream->time_base = {1, 10};
  stream->codecpar->codec_type = AVMEDIA_TYPE_VIDEO;
  stream->codecpar->codec_id = AV_CODEC_ID_RAWVIDEO;
  stream->codecpar->format = format;
  // Raw video carries its pixel format only in the codec tag.
  stream->codecpar->codec_tag = avcodec_pix_fmt_to_codec_tag(format);
  stream->codecpar->width = width;
  stream->codecpar->height = height;
  if ((r = avio_open(&out->pb, argv[1], AVIO_FLAG_WRITE)) < 0) return fail("cannot open the output", r);
  if ((r = avformat_write_header(out, nullptr)) < 0) return fail("cannot write the header", r);
  int bytes = av_image_get_buffer_size(format, width, height, 1);
  std::vector<uint8_t> pixels(size_t(bytes), 128);
  for (int i = 0; i < frames; ++i) {
    AVPacket* packet = av_packet_alloc();
    av_new_packet(packet, bytes);
    std::copy(pixels.begin(), pixels.end(), packet->data);
    packet->pts = packet->dts = av_rescale_q(i, {1, 10}, stream->time_base);
    packet->flags |= AV_PKT_FLAG_KEY;
    packet->stream_index = 0;
    if ((r = av_interleaved_write_frame(out, packet)) < 0) return fail("cannot write a frame", r);
    av_packet_free(&packet);
  }
  av_write_trailer(out);
  avio_closep(&out->pb);
  avformat_free_context(out);
  return 0;
}
