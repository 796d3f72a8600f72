// The model input from a camera frame, in one dispatch: sample the frame
// through a SamplingGrid (letterbox, stretch or crop), resize bilinearly like
// tools/oracle/preprocess.js (TF's legacy mapping, no half-pixel centres),
// normalise as the model's metadata says, and write 3 x N x N in C4HW4.
// Optionally the network's first layer, a dense conv, runs in the same
// dispatch (FirstConv): it then writes that layer's output instead.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/capabilities.h"
#include "engine/pipeline.h"
#include "runtime/byte_range.h"
#include "runtime/frame_mapping.h"
#include "runtime/model/model.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;
class Conv2dOp;

enum class PixelFormat { RGBA8, RGB8, BGRA8 };

const char* pixelFormatName(PixelFormat format);  // "RGBA8", "RGB8", "BGRA8"
uint32_t pixelBytes(PixelFormat format);          // 4, 3, 4

// Where a frame's pixels sit in its buffer: rows of `row_stride` bytes from
// byte 0, pixels packed within a row. Neither rows nor pixels need any
// alignment (the shader reads bytes).
struct FrameLayout {
  int width = 0, height = 0;
  uint32_t row_stride = 0;  // bytes; at least width * pixelBytes(format)
  PixelFormat format = PixelFormat::RGBA8;

  static FrameLayout packed(int width, int height, PixelFormat format);
  // Bytes the pixels span (0 for an empty frame): the last row is not padded
  // to the stride.
  uint64_t spannedBytes() const;
  // Bytes a buffer must hold (0 for an empty frame): the last row ends the
  // frame, and the shader reads whole 32-bit words, so the total is rounded
  // up to a multiple of 4.
  uint64_t requiredBytes() const;

  bool operator==(const FrameLayout&) const = default;
};

// Throws vkpose::Error naming the problem: an empty or oversized frame, or a
// row stride smaller than a row.
void validateFrameLayout(const FrameLayout& frame);

// The bytes of a frame in `layout` that preprocessing through `grid` reads,
// as ascending, disjoint runs: per sampled row, the pixels from the leftmost
// to the rightmost sampled column, with runs that touch merged. The rows and
// columns are the shader's bilinear taps, computed with the same integer
// arithmetic. Letterboxing a 1280x720 frame to 257 samples 290 of its 720
// rows, so copying only these runs moves 40% of the bytes.
std::vector<ByteRange> sampledByteRanges(const SamplingGrid& grid, const FrameLayout& layout);

// A frame in an image view the shader reads texel by texel: mip 0, layer 0,
// an 8-bit UNORM RGBA or BGRA format (the view returns RGBA order either way).
struct FrameImage {
  enum class Access { Sampled, Storage };
  Access access = Access::Sampled;
  ImageBinding binding;  // view, layout, and for sampled images the sampler
  int width = 0, height = 0;
};

// model input = pixel / divisor + bias[channel], channels in RGB order.
struct PixelNormalisation {
  float divisor = 127.5f;
  std::array<float, 3> bias{-1.f, -1.f, -1.f};

  static PixelNormalisation mobileNet();                            // x / 127.5 - 1, into [-1, 1]
  static PixelNormalisation resNet(const std::array<float, 3>& mean);  // x + mean[c]
  static PixelNormalisation fromMetadata(const ModelMetadata& meta);
};

// Whether the network's first layer runs inside preprocessing
// (shaders/preprocess_conv.comp): one dispatch and one barrier fewer, and
// the model input is never stored, for each tap of the first conv computed
// from the frame by every output pixel that reads it. Auto: on GPUs, off on
// CPU devices; VKPOSE_FUSE_PREPROCESS=0/1 overrides Auto, for tuning runs.
enum class FirstConvFusion { Auto, On, Off };
bool firstConvFused(FirstConvFusion policy, const Capabilities& caps);

// A dense conv over the 3-channel model input, to run inside preprocessing:
// `out` is its output for the grid's N x N input.
struct FirstConv {
  const Conv2dOp* op = nullptr;
  TensorView out;
};

class PreprocessOp {
 public:
  PreprocessOp(Context& ctx, Precision precision, PixelNormalisation normalisation);

  static Shape outputShape(int model_size) { return {3, model_size, model_size}; }

  // Plan time: checks the frame against its buffer and the grid, allocates
  // the descriptor set from `arena` and records the dispatch. The frame's
  // size, layout and grid are baked into the recording, so a new frame size
  // or region of interest needs a new record; the pixels may change freely
  // between replays. Throws vkpose::Error naming what does not fit.
  // With `first_conv`, the dispatch also runs that conv and writes its output
  // to first_conv->out; `out` is then not written (nor checked).
  void record(CommandRecorder& rec, DescriptorArena& arena, const Buffer& frame_buffer, const FrameLayout& frame,
              const SamplingGrid& grid, const TensorView& out, std::optional<FirstConv> first_conv = {});
  // The same for a range of any storage buffer (a host engine's): the frame
  // starts at frame_buffer.offset, which must meet the device's storage
  // buffer offset alignment, and frame_buffer.range bytes belong to it.
  void record(CommandRecorder& rec, DescriptorArena& arena, const BufferBinding& frame_buffer,
              const FrameLayout& frame, const SamplingGrid& grid, const TensorView& out,
              std::optional<FirstConv> first_conv = {});
  // A host engine's 8-bit UNORM RGBA image (see FrameImage); only
  // frame.width and frame.height are read.
  void record(CommandRecorder& rec, DescriptorArena& arena, const FrameImage& image, const SamplingGrid& grid,
              const TensorView& out, std::optional<FirstConv> first_conv = {});

 private:
  enum class Source { Buffer, Sampled, Storage };
  void checkGrid(const FrameLayout& frame, const SamplingGrid& grid) const;
  void checkOutput(const SamplingGrid& grid, const TensorView& out) const;
  void checkFirstConv(const SamplingGrid& grid, const FirstConv& conv) const;
  void checkBuffer(const BufferBinding& frame_buffer, const FrameLayout& frame) const;
  const Pipeline& pipelineFor(Source source, const std::optional<FirstConv>& first_conv);
  void dispatch(CommandRecorder& rec, DescriptorArena& arena, Source source, std::span<const ImageBinding> images,
                std::optional<BufferBinding> frame_buffer, const FrameLayout& frame, const SamplingGrid& grid,
                const TensorView& out, const std::optional<FirstConv>& first_conv);

  Context& ctx_;
  Precision precision_;
  PixelNormalisation normalisation_;
  uint64_t max_binding_bytes_;  // the device's maxStorageBufferRange
  uint64_t offset_alignment_;   // the device's minStorageBufferOffsetAlignment
  // Built on first use (most users never hand over an image), by shader
  // variant and specialization.
  std::map<std::string, std::unique_ptr<Pipeline>> pipelines_;
};

}  // namespace vkpose
