#include "runtime/ops/conv2d.h"

#include <algorithm>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/ops/kernel_weights.h"
#include "runtime/ops/load_path.h"

namespace vkpose {

namespace {

// Output channel blocks (of 4) each invocation accumulates: every input
// vec4 it loads feeds this many blocks. Spec constant 3 of conv2d.comp.
constexpr uint32_t kOutBlocksPerInvocation = 2;

struct Conv2dPush {
  uint32_t in_w, in_h, in_c4;
  uint32_t out_w, out_h, out_c4, out_channels;
  ConvWindowPush window;
};
VKPOSE_PUSH_CONSTANTS(Conv2dPush);

size_t paddedOutBlocks(const Conv2dParams& p) {
  size_t oc4 = divUp(uint64_t(p.out_channels), 4);
  return divUp(oc4, kOutBlocksPerInvocation) * size_t(kOutBlocksPerInvocation);
}

void checkWeightCounts(const Conv2dParams& p, const WeightData& weights, const WeightData& bias) {
  requireWeightLayout(weights, WeightLayout::DenseC4, "Conv2d", "weights");
  requireWeightLayout(bias, WeightLayout::DenseC4, "Conv2d", "bias");
  size_t taps = size_t(p.window.kernel_h) * size_t(p.window.kernel_w);
  size_t out = storedChannels(weights.layout, p.out_channels), in = storedChannels(weights.layout, p.in_channels);
  size_t expected = out * in * taps;
  if (weights.values.size() != expected)
    throw Error("Conv2d: weights has " + std::to_string(weights.values.size()) + " values, expected " +
                std::to_string(expected) + " (" + weightLayoutName(weights.layout) + " " + std::to_string(out) + "x" +
                std::to_string(in) + "x" + std::to_string(p.window.kernel_h) + "x" +
                std::to_string(p.window.kernel_w) + ")");
  size_t bias_expected = storedChannels(bias.layout, p.out_channels);
  if (!bias.values.empty() && bias.values.size() != bias_expected)
    throw Error("Conv2d: bias has " + std::to_string(bias.values.size()) + " values, expected 0 or " +
                std::to_string(bias_expected) + " (" + weightLayoutName(bias.layout) + ")");
}

const Conv2dParams& checkedParams(const Conv2dParams& p, const WeightData& weights, const WeightData& bias) {
  if (p.groups != 1)
    throw Error("Conv2d: groups = " + std::to_string(p.groups) +
                " is not supported; this op is dense (groups = 1), depthwise convolution is a separate op");
  if (p.in_channels < 1 || p.out_channels < 1)
    throw Error("Conv2d: channel counts must be positive, got in " + std::to_string(p.in_channels) + ", out " +
                std::to_string(p.out_channels));
  // The input size is unknown until record time; checking against the
  // smallest input the window fits validates only the window's own fields.
  const ConvParams& w = p.window;
  Shape smallest{p.in_channels, w.dilation_h * (w.kernel_h - 1) + 1, w.dilation_w * (w.kernel_w - 1) + 1};
  validateWindow(w, smallest, "Conv2d");
  checkWeightCounts(p, weights, bias);
  return p;
}

// The shared DenseC4 layout, with zero blocks appended so the output-block
// count is a multiple of what one invocation computes (no bounds checks on
// weight reads in the shader).
std::vector<float> packWeights(const Conv2dParams& p, const WeightData& weights) {
  std::vector<float> packed =
      denseC4Weights(weights, p.out_channels, p.in_channels, p.window.kernel_h, p.window.kernel_w);
  size_t per_block = packed.size() / divUp(uint64_t(p.out_channels), 4);
  packed.resize(paddedOutBlocks(p) * per_block, 0.f);
  return packed;
}

std::vector<float> packBias(const Conv2dParams& p, const WeightData& bias) {
  std::vector<float> packed = biasC4(bias, p.out_channels);
  packed.resize(paddedOutBlocks(p) * 4, 0.f);
  return packed;
}

// Output pixels per invocation (spec constant 4). Measured on lavapipe for
// PoseNet's first layer (3 -> 24, 3x3 stride 2 at 257): 8 pixels cut its time
// several-fold, since each weight load then feeds 8 pixels. GPUs keep 1 until
// measured otherwise.
uint32_t pixelsPerInvocation(const Capabilities& caps) {
  return caps.device_type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 8 : 1;
}

PipelineDesc conv2dDesc(Context& ctx, Precision precision, const Epilogue& epilogue) {
  requirePrecision(ctx, precision);
  validateEpilogue(epilogue, "Conv2d");
  PipelineDesc desc{variantName("conv2d", epilogue.activation, precision), 4, sizeof(Conv2dPush), workgroup2D(ctx.caps()),
                    {kOutBlocksPerInvocation, pixelsPerInvocation(ctx.caps())}};
  applyLoadPath(desc, defaultLoadPath(ctx.caps()), precision, {0, 1, 2});  // input, weights, bias
  return desc;
}

Conv2dPush makePush(const ConvWindowPush& window, Shape in, Shape out) {
  return {uint32_t(in.w), uint32_t(in.h), uint32_t(in.c4()), uint32_t(out.w),
          uint32_t(out.h), uint32_t(out.c4()), uint32_t(out.c), window};
}

}  // namespace

Conv2dOp::Conv2dOp(Context& ctx, const Conv2dParams& params, const std::vector<float>& weights,
                   const std::vector<float>& bias, Precision precision, Epilogue epilogue)
    : Conv2dOp(ctx, params, WeightData{weights}, WeightData{bias}, precision, epilogue) {}

Conv2dOp::Conv2dOp(Context& ctx, const Conv2dParams& params, const WeightData& weights, const WeightData& bias,
                   Precision precision, Epilogue epilogue)
    : params_(checkedParams(params, weights, bias)),
      precision_(precision),
      epilogue_(epilogue),
      pipeline_(ctx, conv2dDesc(ctx, precision, epilogue)),
      weights_(uploadConstants(ctx, packWeights(params_, weights), precision)),
      bias_(uploadConstants(ctx, packBias(params_, bias), precision)) {}

uint32_t Conv2dOp::storedOutBlocks() const { return uint32_t(paddedOutBlocks(params_)); }

ConvWindowPush Conv2dOp::windowPush() const {
  const ConvParams& w = params_.window;
  return {w.kernel_w, w.kernel_h, w.stride_w, w.stride_h, w.dilation_w,
          w.dilation_h, w.pad.left, w.pad.top, epilogue_.clip_min, epilogue_.clip_max};
}

Shape Conv2dOp::outputShape(Shape in) const {
  if (in.c != params_.in_channels)
    throw Error("Conv2d: input " + in.str() + " has " + std::to_string(in.c) + " channels, the op expects " +
                std::to_string(params_.in_channels));
  return windowOutputShape(params_.window, in, params_.out_channels, "Conv2d");
}

void Conv2dOp::checkTensors(const TensorView& in, const TensorView& out) const {
  for (const TensorView* t : {&in, &out})
    if (t->precision != precision_)
      throw Error(std::string("Conv2d: ") + (t == &in ? "input" : "output") + " tensor precision " +
                  precisionSuffix(t->precision) + " differs from the op's " + precisionSuffix(precision_));
  Shape expected = outputShape(in.shape);
  if (!(out.shape == expected))
    throw Error("Conv2d: output tensor is " + out.shape.str() + ", expected " + expected.str() + " for input " +
                in.shape.str() + " (" + params_.window.str() + ")");
}

void Conv2dOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& in, const TensorView& out) {
  checkTensors(in, out);
  BufferBinding bindings[] = {bind(in), bind(weights_), bind(bias_), bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  const auto& local = pipeline_.desc().local_size;
  uint32_t pixels = pipeline_.desc().spec_constants[1];
  rec.dispatch(pipeline_, set, makePush(windowPush(), in.shape, out.shape),
               {divUp(divUp(uint32_t(out.shape.w), pixels), local[0]), divUp(uint64_t(out.shape.h), local[1]),
                divUp(divUp(uint64_t(out.shape.c4()), kOutBlocksPerInvocation), local[2])});
}

}  // namespace vkpose
