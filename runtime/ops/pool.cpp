#include "runtime/ops/pool.h"

#include <array>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/ops/epilogue.h"

namespace vkpose {

namespace {

struct PoolPush {
  int32_t in_w, in_h;
  int32_t out_w, out_h;
  int32_t channels;
  int32_t kernel_w, kernel_h;
  int32_t stride_w, stride_h;
  int32_t pad_left, pad_top;
  uint32_t count_include_pad;
};
VKPOSE_PUSH_CONSTANTS(PoolPush);

const char* modeSuffix(PoolMode mode) { return mode == PoolMode::Max ? "max" : "avg"; }

// Checks what holds for every input shape; validateWindow covers the rest per shape.
void validatePoolParams(const PoolParams& params) {
  const ConvParams& w = params.window;
  auto fail = [&](const std::string& what) { throw Error("Pool: " + what + " (" + params.str() + ")"); };
  if (w.kernel_h < 1 || w.kernel_w < 1) fail("kernel size must be positive");
  if (w.stride_h < 1 || w.stride_w < 1) fail("stride must be positive");
  if (w.dilation_h != 1 || w.dilation_w != 1) fail("dilation must be 1 (dilated pooling is not supported)");
  if (w.pad.top < 0 || w.pad.left < 0 || w.pad.bottom < 0 || w.pad.right < 0) fail("padding must not be negative");
  // Smaller padding guarantees every window holds at least one input cell,
  // so max never reduces over nothing and the average never divides by zero.
  if (w.pad.top >= w.kernel_h || w.pad.bottom >= w.kernel_h || w.pad.left >= w.kernel_w || w.pad.right >= w.kernel_w)
    fail("padding must be smaller than the kernel");
  if (params.mode == PoolMode::Max && params.count_include_pad)
    fail("count_include_pad applies to average pooling only");
}

PipelineDesc poolDesc(Context& ctx, const PoolParams& params, Precision precision) {
  validatePoolParams(params);
  requirePrecision(ctx, precision);
  std::string shader = std::string("pool_") + modeSuffix(params.mode) + "_" + precisionSuffix(precision);
  return {shader, 2, sizeof(PoolPush), workgroup2D(ctx.caps()), {}};
}

}  // namespace

std::string PoolParams::str() const {
  std::string name = modeSuffix(mode);
  if (mode == PoolMode::Average && count_include_pad) name += "_incl_pad";
  return name + "(" + window.str() + ")";
}

PoolOp::PoolOp(Context& ctx, const PoolParams& params, Precision precision)
    : params_(params), precision_(precision), pipeline_(ctx, poolDesc(ctx, params, precision)) {}

Shape PoolOp::outputShape(Shape in) const { return windowOutputShape(params_.window, in, in.c, "Pool"); }

void PoolOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out) {
  Shape expected = outputShape(in.shape);
  if (!(out.shape == expected))
    throw Error("Pool: output shape " + out.shape.str() + " should be " + expected.str() + " for input " +
                in.shape.str() + " and " + params_.str());
  if (in.precision != precision_ || out.precision != precision_)
    throw Error(std::string("Pool: tensor precision differs from the op's ") + precisionSuffix(precision_));
  BufferBinding bindings[] = {bind(in), bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  const ConvParams& w = params_.window;
  PoolPush push{.in_w = in.shape.w,
                .in_h = in.shape.h,
                .out_w = out.shape.w,
                .out_h = out.shape.h,
                .channels = out.shape.c,
                .kernel_w = w.kernel_w,
                .kernel_h = w.kernel_h,
                .stride_w = w.stride_w,
                .stride_h = w.stride_h,
                .pad_left = w.pad.left,
                .pad_top = w.pad.top,
                .count_include_pad = params_.count_include_pad ? 1u : 0u};
  const auto& local = pipeline_.desc().local_size;
  std::array<uint32_t, 3> groups{divUp(uint64_t(out.shape.w), local[0]), divUp(uint64_t(out.shape.h), local[1]),
                                 uint32_t(out.shape.c4())};
  rec.dispatch(pipeline_, set, push, groups);
}

}  // namespace vkpose
