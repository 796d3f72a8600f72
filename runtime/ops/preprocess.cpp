#include "runtime/ops/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/ops/conv2d.h"
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

// preprocess_conv.comp's push block: the frame's fields, then the first
// conv's (its input is the grid's 3 x N x N, so it needs no input fields).
// 120 bytes, within the 128 every device has.
struct FirstConvPush {
  uint32_t out_w, out_h, out_c4, out_channels;
  ConvWindowPush window;
};
struct PreprocessConvPush {
  PreprocessPush frame;
  FirstConvPush conv;
};
VKPOSE_PUSH_CONSTANTS(PreprocessConvPush);
static_assert(sizeof(PreprocessConvPush) <= 128, "beyond the push-constant bytes every device has");

std::string frameText(const FrameLayout& frame) {
  return std::to_string(frame.width) + "x" + std::to_string(frame.height) + " " + pixelFormatName(frame.format);
}

// The model pixels a workgroup of preprocess_conv.comp reads (and keeps in
// shared memory as vec3s, 16 bytes each): its outputs' windows.
struct TileSize {
  uint32_t width = 0, height = 0;
  uint64_t sharedBytes() const { return uint64_t(width) * height * 16; }
};

TileSize tileFor(const ConvParams& w, const std::array<uint32_t, 3>& local) {
  return {(local[0] - 1) * uint32_t(w.stride_w) + uint32_t(w.dilation_w * (w.kernel_w - 1)) + 1,
          (local[1] - 1) * uint32_t(w.stride_h) + uint32_t(w.dilation_h * (w.kernel_h - 1)) + 1};
}

// Up to this many output pixels, GPUs split the first conv's output blocks
// between invocations (blockSplit). Measured on an H200 (docs/performance.md,
// step 23): one block per invocation took 4-6 us off at inputs 161 and 257
// (outputs 81x81, 129x129) and 3 at 385 (193x193), changed nothing at 513
// and added 2 us at 801.
constexpr uint64_t kSplitMaxPlane = 200 * 200;

bool splitFits(const Capabilities& caps, uint32_t blocks, const std::array<uint32_t, 3>& local, uint32_t split) {
  return split >= 1 && blocks % split == 0 && uint64_t(local[0]) * local[1] * split <= caps.max_workgroup_invocations &&
         split <= caps.max_workgroup_size[2];
}

// How many invocations of a preprocess_conv.comp workgroup share each output
// pixel, splitting the conv's stored blocks between them: on GPUs, for small
// planes, as many as there are blocks (or the most that fit the device);
// otherwise 1. VKPOSE_FIRST_CONV_SPLIT=n overrides it on any device where n
// fits (tuning runs, and tests of the split on CPU devices).
uint32_t blockSplit(const Capabilities& caps, uint32_t blocks, const std::array<uint32_t, 3>& local, Shape out) {
  if (const char* env = std::getenv("VKPOSE_FIRST_CONV_SPLIT")) {
    uint32_t split = uint32_t(std::strtoul(env, nullptr, 10));
    if (splitFits(caps, blocks, local, split)) return split;
  }
  if (caps.device_type == VK_PHYSICAL_DEVICE_TYPE_CPU || uint64_t(out.h) * uint64_t(out.w) > kSplitMaxPlane) return 1;
  for (uint32_t split = blocks; split > 1; --split)
    if (splitFits(caps, blocks, local, split)) return split;
  return 1;
}

// The shaders compute in fp32 whatever the storage: pixel values up to 255
// and bilinear weights need more than fp16's 11 bits, so fp16a shares the
// fp16s variants (the stored tensor is identical).
// `source` is the shaders' SOURCE axis: buffer, sampled or storage. With a
// first conv, the weights and bias are two more buffers before the output,
// and the conv's stored output blocks and activation are spec constants.
// `conv_out`: the conv's output shape (read only with a conv).
PipelineDesc preprocessDesc(const Context& ctx, Precision precision, const char* source, const Conv2dOp* conv,
                            Shape conv_out) {
  Precision storage = precision == Precision::FP16Arith ? Precision::FP16Storage : precision;
  std::string family = conv ? "preprocess_conv_" : "preprocess_";
  PipelineDesc desc{family + source + "_" + precisionSuffix(storage), conv ? 4u : 2u,
                    conv ? uint32_t(sizeof(PreprocessConvPush)) : uint32_t(sizeof(PreprocessPush)),
                    workgroup2D(ctx.caps()), {}, {}};
  if (conv) {
    TileSize tile = tileFor(conv->params().window, desc.local_size);
    desc.local_size[2] = blockSplit(ctx.caps(), conv->storedOutBlocks(), desc.local_size, conv_out);
    desc.spec_constants = {conv->storedOutBlocks() / desc.local_size[2], uint32_t(conv->epilogue().activation),
                           tile.width, tile.height};
  }
  if (std::string(source) == "sampled") desc.image_bindings = {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER};
  if (std::string(source) == "storage") desc.image_bindings = {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE};
  if (!desc.image_bindings.empty()) --desc.storage_buffers;
  return desc;
}

// One invocation per model pixel, or per output pixel of the first conv.
std::array<uint32_t, 3> groupsFor(const Pipeline& pipeline, uint32_t width, uint32_t height) {
  const auto& local = pipeline.desc().local_size;
  return {divUp(width, local[0]), divUp(height, local[1]), 1};
}

FirstConvPush firstConvPush(const Conv2dOp& conv, const Shape& out) {
  return {uint32_t(out.w), uint32_t(out.h), uint32_t(out.c4()), uint32_t(out.c), conv.windowPush()};
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

bool firstConvFused(FirstConvFusion policy, const Capabilities& caps) {
  if (policy != FirstConvFusion::Auto) return policy == FirstConvFusion::On;
  const char* env = std::getenv("VKPOSE_FUSE_PREPROCESS");
  if (env && (std::string(env) == "0" || std::string(env) == "1")) return std::string(env) == "1";
  return caps.device_type != VK_PHYSICAL_DEVICE_TYPE_CPU;
}

PreprocessOp::PreprocessOp(Context& ctx, Precision precision, PixelNormalisation normalisation)
    : ctx_(ctx),
      precision_(precision),
      normalisation_(checkedNormalisation(normalisation)),
      max_binding_bytes_(ctx.caps().max_storage_buffer_range),
      offset_alignment_(std::max<uint64_t>(1, ctx.caps().min_storage_buffer_offset_alignment)) {
  requirePrecision(ctx, precision);
}

void PreprocessOp::checkGrid(const FrameLayout& frame, const SamplingGrid& grid) const {
  if (grid.model_size < 1 || grid.model_size > kMaxModelInputSize)
    throw Error("Preprocess: model input size " + std::to_string(grid.model_size) + " is outside [1, " +
                std::to_string(kMaxModelInputSize) + "]");
  if (grid.frame_width != frame.width || grid.frame_height != frame.height)
    throw Error("Preprocess: sampling grid was made for a " + std::to_string(grid.frame_width) + "x" +
                std::to_string(grid.frame_height) + " frame, not " + frameText(frame));
}

void PreprocessOp::checkOutput(const SamplingGrid& grid, const TensorView& out) const {
  if (!(out.shape == outputShape(grid.model_size)))
    throw Error("Preprocess: output shape " + out.shape.str() + " is not " + outputShape(grid.model_size).str() +
                " for model input size " + std::to_string(grid.model_size));
  if (out.precision != precision_) throw Error("Preprocess: output precision differs from the op's");
}

void PreprocessOp::checkFirstConv(const SamplingGrid& grid, const FirstConv& conv) const {
  if (!conv.op || !conv.out.buffer) throw Error("Preprocess: the first conv or its output is missing");
  if (conv.op->params().in_channels != 3)
    throw Error("Preprocess: the first conv reads " + std::to_string(conv.op->params().in_channels) +
                " channels, the model input has 3");
  if (conv.op->precision() != precision_ || conv.out.precision != precision_)
    throw Error("Preprocess: the first conv's precision differs from the op's");
  uint64_t shared = tileFor(conv.op->params().window, workgroup2D(ctx_.caps())).sharedBytes();
  if (shared > ctx_.caps().max_shared_memory_bytes)
    throw Error("Preprocess: the first conv's window (" + conv.op->params().window.str() + ") needs " +
                std::to_string(shared) + " bytes of shared memory, the device has " +
                std::to_string(ctx_.caps().max_shared_memory_bytes));
  Shape expected = conv.op->outputShape(outputShape(grid.model_size));
  if (!(conv.out.shape == expected))
    throw Error("Preprocess: the first conv's output is " + conv.out.shape.str() + ", expected " + expected.str() +
                " for model input size " + std::to_string(grid.model_size));
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

const Pipeline& PreprocessOp::pipelineFor(Source source, const std::optional<FirstConv>& first_conv) {
  const char* name = source == Source::Sampled ? "sampled" : source == Source::Storage ? "storage" : "buffer";
  PipelineDesc desc = first_conv ? preprocessDesc(ctx_, precision_, name, first_conv->op, first_conv->out.shape)
                                 : preprocessDesc(ctx_, precision_, name, nullptr, {});
  std::string key = desc.shader + "," + std::to_string(desc.local_size[2]);
  for (uint32_t c : desc.spec_constants) key += "," + std::to_string(c);
  std::unique_ptr<Pipeline>& pipeline = pipelines_[key];
  if (!pipeline) pipeline = std::make_unique<Pipeline>(ctx_, desc);
  return *pipeline;
}

void PreprocessOp::dispatch(CommandRecorder& rec, DescriptorArena& arena, Source source,
                            std::span<const ImageBinding> images, std::optional<BufferBinding> frame_buffer,
                            const FrameLayout& frame, const SamplingGrid& grid, const TensorView& out,
                            const std::optional<FirstConv>& first_conv) {
  checkGrid(frame, grid);
  if (first_conv)
    checkFirstConv(grid, *first_conv);
  else
    checkOutput(grid, out);
  const Pipeline& pipeline = pipelineFor(source, first_conv);
  std::vector<BufferBinding> buffers;
  if (frame_buffer) buffers.push_back(*frame_buffer);
  PreprocessPush frame_push = pushFor(frame, grid, normalisation_);
  if (!first_conv) {
    buffers.push_back(bind(out));
    VkDescriptorSet set = arena.allocate(pipeline, images, buffers);
    uint32_t n = uint32_t(grid.model_size);
    rec.dispatch(pipeline, set, frame_push, groupsFor(pipeline, n, n));
    return;
  }
  const Conv2dOp& conv = *first_conv->op;
  const Shape& conv_out = first_conv->out.shape;
  buffers.insert(buffers.end(), {bind(conv.weights()), bind(conv.bias()), bind(first_conv->out)});
  VkDescriptorSet set = arena.allocate(pipeline, images, buffers);
  rec.dispatch(pipeline, set, PreprocessConvPush{frame_push, firstConvPush(conv, conv_out)},
               groupsFor(pipeline, uint32_t(conv_out.w), uint32_t(conv_out.h)));
}

void PreprocessOp::record(CommandRecorder& rec, DescriptorArena& arena, const Buffer& frame_buffer,
                          const FrameLayout& frame, const SamplingGrid& grid, const TensorView& out,
                          std::optional<FirstConv> first_conv) {
  record(rec, arena, bind(frame_buffer), frame, grid, out, first_conv);
}

void PreprocessOp::record(CommandRecorder& rec, DescriptorArena& arena, const BufferBinding& frame_buffer,
                          const FrameLayout& frame, const SamplingGrid& grid, const TensorView& out,
                          std::optional<FirstConv> first_conv) {
  checkBuffer(frame_buffer, frame);
  // Bind only the frame's bytes: a larger buffer may exceed the binding limit.
  BufferBinding frame_bytes{frame_buffer.buffer, frame_buffer.offset, frame.requiredBytes()};
  dispatch(rec, arena, Source::Buffer, {}, frame_bytes, frame, grid, out, first_conv);
}

void PreprocessOp::record(CommandRecorder& rec, DescriptorArena& arena, const FrameImage& image,
                          const SamplingGrid& grid, const TensorView& out, std::optional<FirstConv> first_conv) {
  FrameLayout frame = FrameLayout::packed(image.width, image.height, PixelFormat::RGBA8);
  validateFrameLayout(frame);
  if (!image.binding.view) throw Error("Preprocess: frame image view is VK_NULL_HANDLE");
  if (image.access == FrameImage::Access::Sampled && !image.binding.sampler)
    throw Error("Preprocess: a sampled frame image needs a sampler");
  Source source = image.access == FrameImage::Access::Sampled ? Source::Sampled : Source::Storage;
  ImageBinding images[] = {image.binding};
  dispatch(rec, arena, source, images, std::nullopt, frame, grid, out, first_conv);
}

}  // namespace vkpose
