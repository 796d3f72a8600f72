#include "runtime/ops/preprocess.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

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
// `source` is the shader's SOURCE axis: buffer, sampled or storage.
PipelineDesc preprocessDesc(Context& ctx, Precision precision, const char* source) {
  requirePrecision(ctx, precision);
  Precision storage = precision == Precision::FP16Arith ? Precision::FP16Storage : precision;
  PipelineDesc desc{std::string("preprocess_") + source + "_" + precisionSuffix(storage), 2,
                    sizeof(PreprocessPush), workgroup2D(ctx.caps()), {}, {}};
  if (std::string(source) == "sampled") desc.image_bindings = {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER};
  if (std::string(source) == "storage") desc.image_bindings = {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE};
  if (!desc.image_bindings.empty()) desc.storage_buffers = 1;
  return desc;
}

std::array<uint32_t, 3> groupsFor(const Pipeline& pipeline, const SamplingGrid& grid) {
  const auto& local = pipeline.desc().local_size;
  uint32_t n = uint32_t(grid.model_size);
  return {divUp(n, local[0]), divUp(n, local[1]), 1};
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

uint64_t FrameLayout::spannedBytes() const {
  if (width <= 0 || height <= 0) return 0;
  return uint64_t(height - 1) * row_stride + uint64_t(width) * pixelBytes(format);
}

uint64_t FrameLayout::requiredBytes() const { return (spannedBytes() + 3) / 4 * 4; }

namespace {

// The window positions model pixel d blends: d * span / model_size, rounded
// down and up (the up one clamped to the window), as tapFor in preprocess.comp.
std::pair<int, int> taps(int d, const SamplingAxis& axis, int model_size) {
  uint64_t scaled = uint64_t(d) * uint64_t(axis.span);
  int lo = int(scaled / uint64_t(model_size));
  int hi = scaled % uint64_t(model_size) == 0 ? lo : std::min(lo + 1, axis.span - 1);
  return {axis.origin + lo, axis.origin + hi};
}

// Per frame pixel along one axis: whether some model pixel samples it.
std::vector<bool> sampledPixels(const SamplingAxis& axis, int model_size, int frame_extent) {
  std::vector<bool> sampled(size_t(frame_extent), false);
  for (int d = 0; d < model_size; ++d) {
    auto [lo, hi] = taps(d, axis, model_size);
    for (int i : {lo, hi})
      if (i >= 0 && i < frame_extent) sampled[size_t(i)] = true;
  }
  return sampled;
}

}  // namespace

std::vector<ByteRange> sampledByteRanges(const SamplingGrid& grid, const FrameLayout& layout) {
  if (grid.frame_width != layout.width || grid.frame_height != layout.height)
    throw Error("Preprocess: the sampling grid was made for a " + std::to_string(grid.frame_width) + "x" +
                std::to_string(grid.frame_height) + " frame, not " + frameText(layout));
  std::vector<bool> columns = sampledPixels(grid.x, grid.model_size, layout.width);
  auto first = std::find(columns.begin(), columns.end(), true);
  if (first == columns.end()) return {};
  size_t x0 = size_t(first - columns.begin());
  size_t x1 = size_t(columns.rend() - std::find(columns.rbegin(), columns.rend(), true));  // one past the last
  size_t pixel = pixelBytes(layout.format);
  std::vector<bool> rows = sampledPixels(grid.y, grid.model_size, layout.height);
  std::vector<ByteRange> ranges;
  for (size_t y = 0; y < rows.size(); ++y) {
    if (!rows[y]) continue;
    ByteRange run{y * layout.row_stride + x0 * pixel, (x1 - x0) * pixel};
    if (!ranges.empty() && ranges.back().offset + ranges.back().bytes == run.offset)
      ranges.back().bytes += run.bytes;
    else
      ranges.push_back(run);
  }
  return ranges;
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
    : ctx_(ctx),
      precision_(precision),
      normalisation_(checkedNormalisation(normalisation)),
      max_binding_bytes_(ctx.caps().max_storage_buffer_range),
      offset_alignment_(std::max<uint64_t>(1, ctx.caps().min_storage_buffer_offset_alignment)),
      pipeline_(ctx, preprocessDesc(ctx, precision, "buffer")) {}

void PreprocessOp::checkGridAndOutput(const FrameLayout& frame, const SamplingGrid& grid,
                                      const TensorView& out) const {
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

void PreprocessOp::checkBuffer(const BufferBinding& frame_buffer, const FrameLayout& frame) const {
  validateFrameLayout(frame);
  if (!frame_buffer.buffer) throw Error("Preprocess: frame buffer is VK_NULL_HANDLE");
  uint64_t needed = frame.requiredBytes();
  if (frame_buffer.range < needed)
    throw Error("Preprocess: frame buffer range of " + std::to_string(frame_buffer.range) + " bytes is too small for " +
                frameText(frame) + " with row stride " + std::to_string(frame.row_stride) + " (needs " +
                std::to_string(needed) + " bytes)");
  if (needed > max_binding_bytes_)
    throw Error("Preprocess: frame " + frameText(frame) + " needs " + std::to_string(needed) +
                " bytes, more than the device binds at once (" + std::to_string(max_binding_bytes_) + ")");
  if (frame_buffer.offset % offset_alignment_ != 0)
    throw Error("Preprocess: frame buffer offset " + std::to_string(frame_buffer.offset) +
                " is not a multiple of the device's storage buffer offset alignment (" +
                std::to_string(offset_alignment_) + ")");
}

void PreprocessOp::record(CommandRecorder& rec, DescriptorArena& arena, const Buffer& frame_buffer,
                          const FrameLayout& frame, const SamplingGrid& grid, const TensorView& out) {
  record(rec, arena, bind(frame_buffer), frame, grid, out);
}

void PreprocessOp::record(CommandRecorder& rec, DescriptorArena& arena, const BufferBinding& frame_buffer,
                          const FrameLayout& frame, const SamplingGrid& grid, const TensorView& out) {
  checkBuffer(frame_buffer, frame);
  checkGridAndOutput(frame, grid, out);
  // Bind only the frame's bytes: a larger buffer may exceed the binding limit.
  BufferBinding bindings[] = {{frame_buffer.buffer, frame_buffer.offset, frame.requiredBytes()}, bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  rec.dispatch(pipeline_, set, pushFor(frame, grid, normalisation_), groupsFor(pipeline_, grid));
}

const Pipeline& PreprocessOp::imagePipeline(FrameImage::Access access) {
  bool sampled = access == FrameImage::Access::Sampled;
  std::unique_ptr<Pipeline>& pipeline = sampled ? sampled_pipeline_ : storage_pipeline_;
  if (!pipeline) pipeline = std::make_unique<Pipeline>(ctx_, preprocessDesc(ctx_, precision_, sampled ? "sampled" : "storage"));
  return *pipeline;
}

void PreprocessOp::record(CommandRecorder& rec, DescriptorArena& arena, const FrameImage& image,
                          const SamplingGrid& grid, const TensorView& out) {
  FrameLayout frame = FrameLayout::packed(image.width, image.height, PixelFormat::RGBA8);
  validateFrameLayout(frame);
  if (!image.binding.view) throw Error("Preprocess: frame image view is VK_NULL_HANDLE");
  if (image.access == FrameImage::Access::Sampled && !image.binding.sampler)
    throw Error("Preprocess: a sampled frame image needs a sampler");
  checkGridAndOutput(frame, grid, out);
  const Pipeline& pipeline = imagePipeline(image.access);
  ImageBinding images[] = {image.binding};
  BufferBinding buffers[] = {bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline, images, buffers);
  rec.dispatch(pipeline, set, pushFor(frame, grid, normalisation_), groupsFor(pipeline, grid));
}

}  // namespace vkpose
