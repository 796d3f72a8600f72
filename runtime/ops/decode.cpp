#include "runtime/ops/decode.h"

#include <cmath>
#include <string>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "engine/transfer.h"
#include "runtime/ops/epilogue.h"

namespace vkpose {

namespace {

struct DecodePush {
  uint32_t width;
  uint32_t plane;
  float output_stride;
  float scale_x, scale_y;
  float offset_x, offset_y;
};
VKPOSE_PUSH_CONSTANTS(DecodePush);

// One invocation per keypoint; 32 is one subgroup on most GPUs.
constexpr uint32_t kDecodeWorkgroup = 32;
static_assert(kDecodeWorkgroup >= kKeypointCount);

constexpr int kOffsetChannels = 2 * kKeypointCount;

int checkedStride(int output_stride) {
  if (output_stride < 1) throw Error("Decode: output stride " + std::to_string(output_stride) + " must be positive");
  return output_stride;
}

// Decoding is fp32 in every variant (see decode.h), so fp16a reads through fp16s.
std::string decodeShader(const char* argmax, Precision precision) {
  return std::string("decode_") + argmax + (precision == Precision::FP32 ? "_fp32" : "_fp16s");
}

PipelineDesc decodeDesc(Context& ctx, Precision precision) {
  requirePrecision(ctx, precision);
  return {decodeShader("separate", precision), 3, sizeof(DecodePush), {kDecodeWorkgroup, 1, 1}, {1}};
}

// One workgroup per keypoint, shaped as the argmax's single pass.
PipelineDesc fusedDesc(Precision precision, const ArgmaxOp& argmax) {
  return {decodeShader("fused", precision), 4, sizeof(DecodePush), {argmax.workgroupSize(), 1, 1},
          {argmax.itemsPerInvocation()}};
}

Buffer zeroedCounter(Context& ctx) {
  Buffer counter = ctx.allocator().createBuffer(sizeof(uint32_t), MemoryUsage::DeviceLocal);
  uint32_t zero = 0;
  uploadToBuffer(ctx, counter, &zero, sizeof(zero));
  return counter;
}

}  // namespace

DecodeOp::DecodeOp(Context& ctx, Precision precision, int output_stride, ArgmaxConfig argmax)
    : precision_(precision),
      output_stride_(checkedStride(output_stride)),
      argmax_(ctx, precision, argmax),
      argmax_result_(ctx.allocator().createBuffer(ArgmaxOp::resultBytes(), MemoryUsage::DeviceLocal)),
      pipeline_(ctx, decodeDesc(ctx, precision)),
      fused_pipeline_(ctx, fusedDesc(precision, argmax_)),
      finished_count_(zeroedCounter(ctx)) {}

void DecodeOp::validate(const TensorView& heatmap, const TensorView& offsets, const FrameMapping& mapping,
                        const Buffer& out) const {
  argmax_.passCount(heatmap.shape);  // throws for a heatmap the argmax can't take
  for (const TensorView* t : {&heatmap, &offsets})
    if (t->precision != precision_)
      throw Error(std::string("Decode: ") + (t == &heatmap ? "heatmap" : "offsets") + " precision " +
                  precisionSuffix(t->precision) + " differs from the op's " + precisionSuffix(precision_));
  if (offsets.shape.c != kOffsetChannels)
    throw Error("Decode: offsets have " + std::to_string(offsets.shape.c) + " channels, expected " +
                std::to_string(kOffsetChannels) + " (y then x per keypoint)");
  if (offsets.shape.h != heatmap.shape.h || offsets.shape.w != heatmap.shape.w)
    throw Error("Decode: offsets " + offsets.shape.str() + " and heatmap " + heatmap.shape.str() + " differ in size");
  bool finite = std::isfinite(mapping.scale_x) && std::isfinite(mapping.scale_y) && std::isfinite(mapping.offset_x) &&
                std::isfinite(mapping.offset_y);
  if (!finite || mapping.scale_x <= 0.f || mapping.scale_y <= 0.f)
    throw Error("Decode: frame mapping needs finite offsets and positive finite scales");
  if (!out || out.size() < outputBytes())
    throw Error("Decode: output buffer holds " + std::to_string(out.size()) + " bytes, needs " +
                std::to_string(outputBytes()));
}

void DecodeOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& heatmap,
                      const TensorView& offsets, const FrameMapping& mapping, const Buffer& out) {
  validate(heatmap, offsets, mapping, out);
  DecodePush push{.width = uint32_t(heatmap.shape.w),
                  .plane = uint32_t(heatmap.shape.h * heatmap.shape.w),
                  .output_stride = float(output_stride_),
                  .scale_x = mapping.scale_x,
                  .scale_y = mapping.scale_y,
                  .offset_x = mapping.offset_x,
                  .offset_y = mapping.offset_y};
  if (argmax_.passCount(heatmap.shape) == 1) {
    BufferBinding bindings[] = {bind(heatmap), bind(offsets), bind(out), bind(finished_count_)};
    rec.dispatch(fused_pipeline_, arena.allocate(fused_pipeline_, bindings), push, {1, uint32_t(kKeypointCount), 1});
    return;
  }
  argmax_.record(rec, arena, heatmap, argmax_result_);
  rec.barrier(Stage::Compute, Stage::Compute, "the argmax result is the decode's input");
  BufferBinding bindings[] = {bind(argmax_result_), bind(offsets), bind(out)};
  rec.dispatch(pipeline_, arena.allocate(pipeline_, bindings), push, {1, 1, 1});
}

}  // namespace vkpose
