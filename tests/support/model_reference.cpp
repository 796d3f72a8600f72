#include "tests/support/model_reference.h"

#include <stdexcept>
#include <string>

#include "tests/support/op_test.h"

namespace vkpose::test {

namespace {

size_t blocks(int channels) { return (size_t(channels) + 3) / 4; }

void expectCount(const std::vector<float>& values, size_t count, const char* what) {
  if (values.size() != count)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(values.size()) + " values, expected " +
                                std::to_string(count));
}

// Values the unpacker did not take must all be padding, i.e. zero.
void expectZeroPadding(const std::vector<float>& packed, const std::vector<bool>& taken, const char* what) {
  for (size_t i = 0; i < packed.size(); ++i)
    if (!taken[i] && packed[i] != 0.f)
      throw std::invalid_argument(std::string(what) + ": padding value " + std::to_string(i) + " is " +
                                  std::to_string(packed[i]) + ", not 0");
}

// TF's SAME: the padding total split with the odd pixel after (upper) or before (lower).
ref::Padding samePadding(const WindowSpec& w, int in_h, int in_w) {
  ref::Padding upper = ref::samePadding(in_h, in_w, w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h,
                                        w.dilation_w);
  if (w.padding == PaddingMode::SameUpper) return upper;
  return {upper.bottom, upper.right, upper.top, upper.left};
}

ref::Padding padding(const WindowSpec& w, const ref::Tensor& in) {
  switch (w.padding) {
    case PaddingMode::Explicit: return {w.pad.top, w.pad.left, w.pad.bottom, w.pad.right};
    case PaddingMode::Valid: return {};
    case PaddingMode::SameUpper:
    case PaddingMode::SameLower: return samePadding(w, in.h, in.w);
  }
  throw std::invalid_argument("unknown padding mode");
}

std::vector<double> oihwWeights(const ModelNode& n) {
  const WindowSpec& w = n.window;
  const std::vector<float>& v = n.weights.values;
  switch (n.weights.layout) {
    case WeightLayout::OIHW: return {v.begin(), v.end()};
    case WeightLayout::DenseC4: {
      std::vector<float> oihw = unpackDenseC4(v, n.out_channels, n.in_channels, w.kernel_h, w.kernel_w);
      return {oihw.begin(), oihw.end()};
    }
    case WeightLayout::DepthwiseC4: {
      std::vector<float> oihw = unpackDepthwiseC4(v, n.out_channels, w.kernel_h, w.kernel_w);
      return {oihw.begin(), oihw.end()};
    }
  }
  throw std::invalid_argument("unknown weight layout");
}

std::vector<double> plainBias(const ModelNode& n) {
  std::vector<float> bias = n.bias.values;
  if (!bias.empty() && n.bias.layout != WeightLayout::OIHW) bias = unpackBiasC4(bias, n.out_channels);
  return {bias.begin(), bias.end()};
}

ref::Tensor runConv(const ModelNode& n, const ref::Tensor& in) {
  const WindowSpec& w = n.window;
  ref::ConvSpec spec;
  spec.kh = w.kernel_h;
  spec.kw = w.kernel_w;
  spec.stride_h = w.stride_h;
  spec.stride_w = w.stride_w;
  spec.dilation_h = w.dilation_h;
  spec.dilation_w = w.dilation_w;
  spec.pad = padding(w, in);
  spec.groups = n.kind == NodeKind::DepthwiseConv2d ? n.in_channels : 1;
  spec.epilogue = refEpilogue(n.epilogue);
  return ref::conv2d(in, oihwWeights(n), plainBias(n), n.out_channels, spec);
}

ref::Tensor runPool(const ModelNode& n, const ref::Tensor& in) {
  const WindowSpec& w = n.window;
  ref::PoolSpec spec{w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, padding(w, in), n.count_include_pad};
  return n.kind == NodeKind::MaxPool ? ref::maxPool(in, spec) : ref::avgPool(in, spec);
}

ref::Tensor runNode(const ModelNode& n, const std::vector<ref::Tensor>& tensors) {
  const ref::Tensor& in = tensors[size_t(n.inputs[0])];
  switch (n.kind) {
    case NodeKind::Conv2d:
    case NodeKind::DepthwiseConv2d: return runConv(n, in);
    case NodeKind::MaxPool:
    case NodeKind::AveragePool: return runPool(n, in);
    case NodeKind::Add: return ref::add(in, tensors[size_t(n.inputs[1])], refEpilogue(n.epilogue));
  }
  throw std::invalid_argument("unknown node kind");
}

}  // namespace

std::vector<float> unpackDenseC4(const std::vector<float>& packed, int out_channels, int in_channels, int kernel_h,
                                 int kernel_w) {
  size_t taps = size_t(kernel_h) * size_t(kernel_w), ic4 = blocks(in_channels);
  expectCount(packed, blocks(out_channels) * ic4 * taps * 16, "unpackDenseC4");
  std::vector<float> oihw(size_t(out_channels) * size_t(in_channels) * taps);
  std::vector<bool> taken(packed.size(), false);
  for (size_t o = 0; o < size_t(out_channels); ++o)
    for (size_t i = 0; i < size_t(in_channels); ++i)
      for (size_t t = 0; t < taps; ++t) {
        size_t at = (((o / 4) * ic4 + i / 4) * taps + t) * 16 + (i % 4) * 4 + o % 4;
        oihw[(o * size_t(in_channels) + i) * taps + t] = packed[at];
        taken[at] = true;
      }
  expectZeroPadding(packed, taken, "unpackDenseC4");
  return oihw;
}

std::vector<float> unpackDepthwiseC4(const std::vector<float>& packed, int channels, int kernel_h, int kernel_w) {
  size_t taps = size_t(kernel_h) * size_t(kernel_w);
  expectCount(packed, blocks(channels) * taps * 4, "unpackDepthwiseC4");
  std::vector<float> weights(size_t(channels) * taps);
  std::vector<bool> taken(packed.size(), false);
  for (size_t c = 0; c < size_t(channels); ++c)
    for (size_t t = 0; t < taps; ++t) {
      size_t at = ((c / 4) * taps + t) * 4 + c % 4;
      weights[c * taps + t] = packed[at];
      taken[at] = true;
    }
  expectZeroPadding(packed, taken, "unpackDepthwiseC4");
  return weights;
}

std::vector<float> unpackBiasC4(const std::vector<float>& packed, int channels) {
  expectCount(packed, blocks(channels) * 4, "unpackBiasC4");
  std::vector<bool> taken(packed.size(), false);
  for (size_t c = 0; c < size_t(channels); ++c) taken[c] = true;
  expectZeroPadding(packed, taken, "unpackBiasC4");
  return {packed.begin(), packed.begin() + channels};
}

std::vector<ref::Tensor> runModelReference(const Model& model, const ref::Tensor& input) {
  if (input.c != 3) throw std::invalid_argument("runModelReference: the input has " + std::to_string(input.c) +
                                                " channels, expected 3");
  std::vector<ref::Tensor> tensors(model.tensors.size());
  tensors[size_t(model.input)] = input;
  for (const ModelNode& node : model.nodes) tensors[size_t(node.output)] = runNode(node, tensors);
  return tensors;
}

}  // namespace vkpose::test
