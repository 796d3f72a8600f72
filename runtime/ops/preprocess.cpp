#include "runtime/ops/preprocess.h"

#include <cmath>
#include <string>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/ops/epilogue.h"

namespace vkpose {

namespace {

// Mirrors shaders/preprocess.comp's push block; scalars only, so std430 and
// C++ agree on every offset without padding rules. The pixel format is data
// here rather than a shader axis: it only moves byte offsets (3 or 4 bytes a
// pixel, red and blue swapped for BGRA), so one variant serves all formats
// with no branch.
struct PreprocessPush {
  uint32_t frame_width, frame_height;
  uint32_t row_stride, pixel_bytes;
  uint32_t red_byte, green_byte, blue_byte;  // byte of each channel within a pixel
  int32_t origin_x, origin_y;
  uint32_t span_x, span_y;
  uint32_t model_size;
  float divisor;
  float bias_r, bias_g, bias_b;
};
VKPOSE_PUSH_CONSTANTS(PreprocessPush);

std::string frameText(const FrameLayout& frame) {
  return std::to_string(frame.width) + "x" + std::to_string(frame.height) + " " + pixelFormatName(frame.format);
}

// The shader computes in fp32 whatever the storage: pixel values up to 255
// and bilinear weights need more than fp16's 11 bits, so fp16a shares the
// fp16s variant (the stored tensor is identical).
PipelineDesc preprocessDesc(Context& ctx, Precision precision) {
  requirePrecision(ctx, precision);
  Precision storage = precision == Precision::FP16Arith ? Precision::FP16Storage : precision;
  return {std::string("preprocess_") + precisionSuffix(storage), 2, sizeof(PreprocessPush), workgroup2D(ctx), {}};
}

std::array<uint32_t, 3> channelBytes(PixelFormat format) {
  if (format == PixelFormat::BGRA8) return {2, 1, 0};
  return {0, 1, 2};
}

// Checked before the pipeline is built (members initialise in order).
PixelNormalisation checkedNormalisation(const PixelNormalisation& norm) {
  if (!(norm.divisor > 0.f) || !std::isfinite(norm.divisor))
    throw Error("Preprocess: normalisation divisor " + std::to_string(norm.divisor) + " is not a positive number");
  for (float b : norm.bias)
    if (!std::isfinite(b)) throw Error("Preprocess: normalisation bias " + std::to_string(b) + " is not finite");
  return norm;
}

PreprocessPush pushFor(const FrameLayout& frame, const SamplingGrid& grid, const PixelNormalisation& norm) {
  std::array<uint32_t, 3> channel = channelBytes(frame.format);
  return {uint32_t(frame.width), uint32_t(frame.height), frame.row_stride, pixelBytes(frame.format),
          channel[0], channel[1], channel[2],
          grid.x.origin, grid.y.origin, uint32_t(grid.x.span), uint32_t(grid.y.span), uint32_t(grid.model_size),
          norm.divisor, norm.bias[0], norm.bias[1], norm.bias[2]};
}

}  // namespace

const char* pixelFormatName(PixelFormat format) {
  switch (format) {
    case PixelFormat::RGBA8: return "RGBA8";
    case PixelFormat::RGB8: return "RGB8";
    case PixelFormat::BGRA8: return "BGRA8";
  }
  return "unknown";
}

uint32_t pixelBytes(PixelFormat format) { return format == PixelFormat::RGB8 ? 3 : 4; }

FrameLayout FrameLayout::packed(int width, int height, PixelFormat format) {
  return {width, height, uint32_t(width > 0 ? width : 0) * pixelBytes(format), format};
}

uint64_t FrameLayout::requiredBytes() const {
  if (width <= 0 || height <= 0) return 0;
  uint64_t bytes = uint64_t(height - 1) * row_stride + uint64_t(width) * pixelBytes(format);
  return (bytes + 3) / 4 * 4;
}

void validateFrameLayout(const FrameLayout& frame) {
  if (frame.width <= 0 || frame.height <= 0) throw Error("Preprocess: frame " + frameText(frame) + " is empty");
  if (frame.width > kMaxFrameSide || frame.height > kMaxFrameSide)
    throw Error("Preprocess: frame " + frameText(frame) + " exceeds the limit of " + std::to_string(kMaxFrameSide) +
                " pixels per side");
  uint64_t row = uint64_t(frame.width) * pixelBytes(frame.format);
  if (frame.row_stride < row)
    throw Error("Preprocess: row stride " + std::to_string(frame.row_stride) + " bytes is smaller than a row of " +
                frameText(frame) + " (" + std::to_string(row) + " bytes)");
}

PixelNormalisation PixelNormalisation::mobileNet() { return {127.5f, {-1.f, -1.f, -1.f}}; }

PixelNormalisation PixelNormalisation::resNet(const std::array<float, 3>& mean) { return {1.f, mean}; }

PixelNormalisation PixelNormalisation::fromMetadata(const ModelMetadata& meta) {
  if (meta.preprocessing == Preprocessing::MobileNet) return mobileNet();
  if (meta.mean.size() != 3)
    throw Error("Preprocess: ResNet preprocessing needs 3 channel means, the metadata has " +
                std::to_string(meta.mean.size()));
  return resNet({meta.mean[0], meta.mean[1], meta.mean[2]});
}

PreprocessOp::PreprocessOp(Context& ctx, Precision precision, PixelNormalisation normalisation)
    : precision_(precision),
      normalisation_(checkedNormalisation(normalisation)),
      max_binding_bytes_(ctx.caps().max_storage_buffer_range),
      pipeline_(ctx, preprocessDesc(ctx, precision)) {}

void PreprocessOp::checkArguments(const Buffer& frame_buffer, const FrameLayout& frame, const SamplingGrid& grid,
                                  const TensorView& out) const {
  validateFrameLayout(frame);
  uint64_t needed = frame.requiredBytes();
  if (frame_buffer.size() < needed)
    throw Error("Preprocess: frame buffer of " + std::to_string(frame_buffer.size()) + " bytes is too small for " +
                frameText(frame) + " with row stride " + std::to_string(frame.row_stride) + " (needs " +
                std::to_string(needed) + " bytes)");
  if (needed > max_binding_bytes_)
    throw Error("Preprocess: frame " + frameText(frame) + " needs " + std::to_string(needed) +
                " bytes, more than the device binds at once (" + std::to_string(max_binding_bytes_) + ")");
  if (grid.model_size < 1 || grid.model_size > kMaxModelInputSize)
    throw Error("Preprocess: model input size " + std::to_string(grid.model_size) + " is outside [1, " +
                std::to_string(kMaxModelInputSize) + "]");
  if (grid.frame_width != frame.width || grid.frame_height != frame.height)
    throw Error("Preprocess: sampling grid was made for a " + std::to_string(grid.frame_width) + "x" +
                std::to_string(grid.frame_height) + " frame, not " + frameText(frame));
  if (!(out.shape == outputShape(grid.model_size)))
    throw Error("Preprocess: output shape " + out.shape.str() + " is not " + outputShape(grid.model_size).str() +
                " for model input size " + std::to_string(grid.model_size));
  if (out.precision != precision_) throw Error("Preprocess: output precision differs from the op's");
}

void PreprocessOp::record(CommandRecorder& rec, DescriptorArena& arena, const Buffer& frame_buffer,
                          const FrameLayout& frame, const SamplingGrid& grid, const TensorView& out) {
  checkArguments(frame_buffer, frame, grid, out);
  // Bind only the frame's bytes: a larger staging buffer may exceed the binding limit.
  BufferBinding bindings[] = {{frame_buffer.handle(), 0, frame.requiredBytes()}, bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  const auto& local = pipeline_.desc().local_size;
  uint32_t n = uint32_t(grid.model_size);
  rec.dispatch(pipeline_, set, pushFor(frame, grid, normalisation_), {divUp(n, local[0]), divUp(n, local[1]), 1});
}

}  // namespace vkpose
