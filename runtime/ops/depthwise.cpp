#include "runtime/ops/depthwise.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/ops/kernel_weights.h"
#include "runtime/ops/load_path.h"

namespace vkpose {

namespace {

// Both kernels read this block; the fast one declares only the fields up to
// clip_max, because its kernel size, stride and dilation are compiled in.
struct DepthwisePush {
  int32_t in_h, in_w;
  int32_t out_h, out_w;
  int32_t pad_top, pad_left;
  int32_t channels;
  int32_t tiles_x;  // invocations per output row
  float clip_min, clip_max;
  int32_t kernel_h, kernel_w;
  int32_t stride_h, stride_w;
  int32_t dilation_h, dilation_w;
};
VKPOSE_PUSH_CONSTANTS(DepthwisePush);

constexpr int kMaxTileWidth = 16;  // fast-path tile widths past it only spill the row arrays

// Checks what holds for every input shape; windowOutputShape covers the rest per shape.
void validateParams(const DepthwiseParams& params, const Epilogue& epilogue) {
  const ConvParams& w = params.window;
  auto fail = [&](const std::string& what) { throw Error("Depthwise: " + what + " (" + params.str() + ")"); };
  if (params.channels < 1) fail("channel count must be positive");
  if (params.channel_multiplier != 1)
    fail("channel multiplier " + std::to_string(params.channel_multiplier) + " is not supported (only 1)");
  if (w.kernel_h < 1 || w.kernel_w < 1) fail("kernel size must be positive");
  if (w.stride_h < 1 || w.stride_w < 1) fail("stride must be positive");
  if (w.dilation_h < 1 || w.dilation_w < 1) fail("dilation must be positive");
  if (w.pad.top < 0 || w.pad.left < 0 || w.pad.bottom < 0 || w.pad.right < 0) fail("padding must not be negative");
  if (epilogue.activation == Activation::Clip && !(epilogue.clip_min <= epilogue.clip_max))
    fail("clip bounds are inverted");
}

void validateConstants(const DepthwiseParams& params, const WeightData& weights, const WeightData& bias) {
  requireWeightLayout(weights, WeightLayout::DepthwiseC4, "Depthwise", "weights");
  requireWeightLayout(bias, WeightLayout::DepthwiseC4, "Depthwise", "bias");
  size_t taps = size_t(params.window.kernel_h) * size_t(params.window.kernel_w);
  size_t channels = storedChannels(weights.layout, params.channels);
  size_t expected = channels * taps;
  if (weights.values.size() != expected)
    throw Error("Depthwise: weights have " + std::to_string(weights.values.size()) + " values, expected " +
                std::to_string(expected) + " (" + weightLayoutName(weights.layout) + " " + std::to_string(channels) +
                "x1x" + std::to_string(params.window.kernel_h) + "x" + std::to_string(params.window.kernel_w) + ")");
  size_t bias_expected = storedChannels(bias.layout, params.channels);
  if (!bias.values.empty() && bias.values.size() != bias_expected)
    throw Error("Depthwise: bias has " + std::to_string(bias.values.size()) + " values, expected 0 or " +
                std::to_string(bias_expected) + " (" + weightLayoutName(bias.layout) + ")");
}

const DepthwiseParams& validated(const DepthwiseParams& params, const Epilogue& epilogue, const WeightData& weights,
                                 const WeightData& bias) {
  validateDepthwise(params, epilogue, weights, bias);
  return params;
}

PipelineDesc depthwiseDesc(Context& ctx, const DepthwiseParams& params, Precision precision, Activation activation) {
  requirePrecision(ctx, precision);
  const ConvParams& w = params.window;
  if (!fitsDepthwise3x3(w))
    return {variantName("dwconv", activation, precision), 4, sizeof(DepthwisePush), workgroup1D(ctx.caps()), {}};
  std::string family = std::string("dw3x3_s") + std::to_string(w.stride_h);
  PipelineDesc desc{variantName(family, activation, precision), 4, sizeof(DepthwisePush), workgroup1D(ctx.caps()),
                    {uint32_t(depthwiseTileWidth(ctx.caps(), w.stride_h))}};
  applyLoadPath(desc, defaultLoadPath(ctx.caps()), precision, {0, 1, 2});  // input, weights, bias
  return desc;
}

}  // namespace

// Wider tiles share more input columns and amortise the per-invocation index
// and bounds work: on lavapipe 8/4 ran the PoseNet layers ~1.3x faster than
// 4/2 (s2 tiles read twice the columns per output, hence half the width).
// GPUs hide load latency with more invocations instead: on an H200 one pixel
// per invocation took PoseNet at 513 from 0.308 to 0.286 ms in fp16 and from
// 0.433 to 0.396 in fp32 (step 16).
int depthwiseTileWidth(const Capabilities& caps, int stride) {
  if (caps.device_type == VK_PHYSICAL_DEVICE_TYPE_CPU) return stride == 1 ? 8 : 4;
  const char* env = std::getenv("VKPOSE_DW_TILE");
  int s1 = 0, s2 = 0;
  if (env && std::sscanf(env, "%d,%d", &s1, &s2) == 2 && s1 >= 1 && s1 <= kMaxTileWidth && s2 >= 1 &&
      s2 <= kMaxTileWidth)
    return stride == 1 ? s1 : s2;
  return 1;
}

bool fitsDepthwise3x3(const ConvParams& w) {
  return w.kernel_h == 3 && w.kernel_w == 3 && w.dilation_h == 1 && w.dilation_w == 1 && w.stride_h == w.stride_w &&
         (w.stride_h == 1 || w.stride_h == 2);
}

void validateDepthwise(const DepthwiseParams& params, const Epilogue& epilogue, const WeightData& weights,
                       const WeightData& bias) {
  validateParams(params, epilogue);
  validateConstants(params, weights, bias);
}

std::string DepthwiseParams::str() const { return "c=" + std::to_string(channels) + "," + window.str(); }

DepthwiseOp::DepthwiseOp(Context& ctx, const DepthwiseParams& params, const std::vector<float>& weights,
                         const std::vector<float>& bias, Precision precision, Epilogue epilogue)
    : DepthwiseOp(ctx, params, WeightData{weights}, WeightData{bias}, precision, epilogue) {}

DepthwiseOp::DepthwiseOp(Context& ctx, const DepthwiseParams& params, const WeightData& weights,
                         const WeightData& bias, Precision precision, Epilogue epilogue)
    : params_(validated(params, epilogue, weights, bias)),
      precision_(precision),
      epilogue_(epilogue),
      fast3x3_(fitsDepthwise3x3(params.window)),
      pipeline_(ctx, depthwiseDesc(ctx, params, precision, epilogue.activation)),
      weights_(uploadConstants(
          ctx, depthwiseC4Weights(weights, params.channels, params.window.kernel_h, params.window.kernel_w),
          precision)),
      bias_(uploadConstants(ctx, biasC4(bias, params.channels), precision)) {}

Shape DepthwiseOp::outputShape(Shape in) const {
  if (in.c != params_.channels)
    throw Error("Depthwise: input " + in.str() + " has " + std::to_string(in.c) + " channels, the op expects " +
                std::to_string(params_.channels));
  return windowOutputShape(params_.window, in, in.c, "Depthwise");
}

void DepthwiseOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out) {
  Shape expected = outputShape(in.shape);
  if (!(out.shape == expected))
    throw Error("Depthwise: output shape " + out.shape.str() + " should be " + expected.str() + " for input " +
                in.shape.str() + " and " + params_.str());
  for (const TensorView* t : {&in, &out})
    if (t->precision != precision_)
      throw Error(std::string("Depthwise: ") + (t == &in ? "input" : "output") + " tensor is " +
                  precisionSuffix(t->precision) + ", the op is " + precisionSuffix(precision_));
  BufferBinding bindings[] = {bind(in), bind(weights_), bind(bias_), bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  const ConvParams& w = params_.window;
  int tile = fast3x3_ ? int(pipeline_.desc().spec_constants[0]) : 1;
  int tiles_x = (out.shape.w + tile - 1) / tile;
  DepthwisePush push{in.shape.h, in.shape.w, out.shape.h,        out.shape.w,        w.pad.top,  w.pad.left,
                     in.shape.c, tiles_x,    epilogue_.clip_min, epilogue_.clip_max, w.kernel_h, w.kernel_w,
                     w.stride_h, w.stride_w, w.dilation_h,       w.dilation_w};
  uint64_t plane_invocations = uint64_t(out.shape.h) * uint64_t(tiles_x);
  rec.dispatch(pipeline_, set, push,
               {divUp(plane_invocations, pipeline_.desc().local_size[0]), 1, uint32_t(out.shape.c4())});
}

}  // namespace vkpose
