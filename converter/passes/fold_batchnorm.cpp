// Folds a BatchNorm into the Conv2d/DepthwiseConv2d that feeds it. Only when
// nothing else sees the conv's output (other readers, or a graph output,
// need the un-normalised values) and the conv has no activation yet (a
// BatchNorm after an activation is not linear in the conv's output).
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "converter/passes/passes.h"
#include "converter/passes/rewrite.h"

namespace vkpose::convert {

namespace {

struct Fold {
  size_t conv = 0, batch_norm = 0;
};

bool channelsMatch(const BatchNormParams& p, size_t channels) {
  return p.scale.size() == channels && p.shift.size() == channels && p.mean.size() == channels &&
         p.variance.size() == channels;
}

bool foldable(const Node& conv, const Node& batch_norm) {
  return isConv(conv.kind) && conv.out_channels > 0 && conv.activation == Activation::None &&
         conv.layout == WeightLayout::OIHW && batch_norm.kind == OpKind::BatchNorm &&
         channelsMatch(batch_norm.batch_norm, size_t(conv.out_channels));
}

// sqrt of a non-positive or NaN variance + epsilon would turn the folded
// weights into NaN or Inf; say which channel instead.
void requirePositiveVariance(const Node& batch_norm) {
  const BatchNormParams& p = batch_norm.batch_norm;
  for (size_t c = 0; c < p.variance.size(); ++c) {
    double denominator = double(p.variance[c]) + double(p.epsilon);
    if (!(denominator > 0))
      throw ConvertError("BatchNorm " + quoted(batch_norm) + ": variance + epsilon is " + std::to_string(denominator) +
                         " at channel " + std::to_string(c) + ", must be positive");
  }
}

std::vector<Fold> findFolds(const Graph& graph) {
  std::vector<Fold> folds;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    int reader = soleConsumer(graph, graph.nodes[i].output);
    if (reader < 0 || !foldable(graph.nodes[i], graph.nodes[size_t(reader)])) continue;
    requirePositiveVariance(graph.nodes[size_t(reader)]);
    folds.push_back({i, size_t(reader)});
  }
  return folds;
}

// BatchNorm(conv(x)) per output channel o, with s = scale / sqrt(var + eps):
//   s * (w[o] . x + b[o] - mean) + shift = (s * w[o]) . x + ((b[o] - mean) * s + shift)
// so w'[o] = w[o] * s and b'[o] = (b[o] - mean) * s + shift. OIHW keeps each
// output channel's weights contiguous for both conv kinds (depthwise: I = 1).
// Computed in double so the only rounding is the final one to float.
void foldIntoConv(Node& conv, const BatchNormParams& p) {
  size_t channels = size_t(conv.out_channels);
  size_t per_channel = conv.weights.size() / channels;
  if (conv.bias.empty()) conv.bias.assign(channels, 0.f);
  for (size_t o = 0; o < channels; ++o) {
    double s = double(p.scale[o]) / std::sqrt(double(p.variance[o]) + double(p.epsilon));
    for (size_t k = 0; k < per_channel; ++k) {
      float& w = conv.weights[o * per_channel + k];
      w = float(double(w) * s);
    }
    conv.bias[o] = float((double(conv.bias[o]) - double(p.mean[o])) * s + double(p.shift[o]));
  }
}

}  // namespace

void foldBatchNorm(Graph& graph, Log& log) {
  validateGraph(graph);
  std::vector<Fold> folds = findFolds(graph);
  std::vector<bool> erase(graph.nodes.size(), false);
  for (const Fold& fold : folds) {
    Node& conv = graph.nodes[fold.conv];
    const Node& batch_norm = graph.nodes[fold.batch_norm];
    foldIntoConv(conv, batch_norm.batch_norm);
    // The conv takes over the BatchNorm's output tensor, so its readers and
    // any output role keep their tensor and name.
    conv.output = batch_norm.output;
    erase[fold.batch_norm] = true;
    log.verbose("fold_batchnorm: folded " + quoted(batch_norm) + " into " + quoted(conv));
  }
  eraseNodes(graph, erase);
}

}  // namespace vkpose::convert
