// validateModel: the semantic checks on a decoded model. Each failure names
// the node, tensor, output or metadata field it is about.
#include <algorithm>
#include <cmath>

#include "runtime/model/model.h"

namespace vkpose {

namespace {

class Checker {
 public:
  Checker(const Model& model, const std::string& source) : m_(model), source_(source) {}

  void run() {
    checkTensors();
    std::vector<int> producer(m_.tensors.size(), -1);  // node index; -2 for the graph input
    producer[size_t(m_.input)] = -2;
    for (size_t i = 0; i < m_.nodes.size(); ++i) checkNode(i, producer);
    for (size_t t = 0; t < producer.size(); ++t)
      if (producer[t] == -1) fail(tensorName(int(t)) + " is never produced");
    checkOutputs();
    checkMetadata();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw ModelError(source_ + ": " + what); }

  bool validTensor(int t) const { return t >= 0 && size_t(t) < m_.tensors.size(); }

  std::string tensorName(int t) const {
    return "tensor " + std::to_string(t) + " '" + escapeText(m_.tensors[size_t(t)].name) + "'";
  }

  int channels(int t) const { return m_.tensors[size_t(t)].channels; }

  void checkTensors() const {
    if (m_.tensors.empty()) fail("the model has no tensors");
    for (size_t t = 0; t < m_.tensors.size(); ++t)
      if (channels(int(t)) < 1 || channels(int(t)) > kMaxModelChannels)
        fail(tensorName(int(t)) + " has " + std::to_string(channels(int(t))) + " channels (must be 1.." +
             std::to_string(kMaxModelChannels) + ")");
    if (!validTensor(m_.input))
      fail("input tensor index " + std::to_string(m_.input) + " is out of range (" +
           std::to_string(m_.tensors.size()) + " tensors)");
    if (channels(m_.input) != 3)
      fail("input " + tensorName(m_.input) + " has " + std::to_string(channels(m_.input)) +
           " channels; the RGB image needs 3");
  }

  void checkNode(size_t index, std::vector<int>& producer) const {
    const ModelNode& n = m_.nodes[index];
    std::string where = describeNode(m_, index);
    auto nodeFail = [&](const std::string& what) { fail(where + ": " + what); };
    size_t expected_inputs = n.kind == NodeKind::Add ? 2 : 1;
    if (n.inputs.size() != expected_inputs)
      nodeFail("takes " + std::to_string(expected_inputs) + " inputs, has " + std::to_string(n.inputs.size()));
    for (int t : n.inputs) {
      if (!validTensor(t))
        nodeFail("input tensor index " + std::to_string(t) + " is out of range (" +
                 std::to_string(m_.tensors.size()) + " tensors)");
      if (producer[size_t(t)] == -1)
        nodeFail("reads " + tensorName(t) + " before any node produces it (nodes must be in topological order)");
      if (channels(t) != n.in_channels)
        nodeFail("has " + std::to_string(n.in_channels) + " input channels but reads " + tensorName(t) + " with " +
                 std::to_string(channels(t)));
    }
    if (!validTensor(n.output))
      nodeFail("output tensor index " + std::to_string(n.output) + " is out of range (" +
               std::to_string(m_.tensors.size()) + " tensors)");
    if (producer[size_t(n.output)] == -2) nodeFail("writes the graph input " + tensorName(n.output));
    if (producer[size_t(n.output)] >= 0)
      nodeFail("writes " + tensorName(n.output) + ", already produced by " +
               describeNode(m_, size_t(producer[size_t(n.output)])));
    producer[size_t(n.output)] = int(index);
    if (channels(n.output) != n.out_channels)
      nodeFail("has " + std::to_string(n.out_channels) + " output channels but writes " + tensorName(n.output) +
               " with " + std::to_string(channels(n.output)));
    if (n.kind != NodeKind::Conv2d && n.in_channels != n.out_channels)
      nodeFail("must keep the channel count, but maps " + std::to_string(n.in_channels) + " to " +
               std::to_string(n.out_channels));
    checkWindow(n, nodeFail);
    checkEpilogue(n, where);
    checkWeights(n, nodeFail);
  }

  template <typename Fail>
  static void checkWindow(const ModelNode& n, const Fail& nodeFail) {
    if (n.kind == NodeKind::Add) return;
    const WindowSpec& w = n.window;
    auto inRange = [&](int value, int min, const char* field) {
      if (value < min || value > kMaxWindowExtent)
        nodeFail(std::string(field) + " " + std::to_string(value) + " is out of range (" + std::to_string(min) +
                 ".." + std::to_string(kMaxWindowExtent) + ")");
    };
    inRange(w.kernel_h, 1, "kernel height");
    inRange(w.kernel_w, 1, "kernel width");
    inRange(w.stride_h, 1, "stride height");
    inRange(w.stride_w, 1, "stride width");
    inRange(w.dilation_h, 1, "dilation height");
    inRange(w.dilation_w, 1, "dilation width");
    inRange(w.pad.top, 0, "top padding");
    inRange(w.pad.left, 0, "left padding");
    inRange(w.pad.bottom, 0, "bottom padding");
    inRange(w.pad.right, 0, "right padding");
    if (n.kind != NodeKind::MaxPool && n.kind != NodeKind::AveragePool) return;
    // What the pooling kernel supports: no dilation, and no window made only of padding.
    if (w.dilation_h != 1 || w.dilation_w != 1) nodeFail("pooling does not support dilation");
    if (std::max(w.pad.top, w.pad.bottom) >= w.kernel_h || std::max(w.pad.left, w.pad.right) >= w.kernel_w)
      nodeFail("padding must be smaller than the " + std::to_string(w.kernel_h) + "x" + std::to_string(w.kernel_w) +
               " kernel");
  }

  void checkEpilogue(const ModelNode& n, const std::string& where) const {
    bool pool = n.kind == NodeKind::MaxPool || n.kind == NodeKind::AveragePool;
    if (pool && n.epilogue.activation != Activation::None)
      fail(where + ": pooling has no activation, but " + activationSuffix(n.epilogue.activation) + " is set");
    try {
      validateEpilogue(n.epilogue, where.c_str());
    } catch (const Error& e) {
      fail(e.what());
    }
  }

  // Values expected for `layout`, padding included (docs/tensor-layout.md).
  static uint64_t weightCount(const ModelNode& n, WeightLayout layout) {
    uint64_t taps = uint64_t(n.window.kernel_h) * uint64_t(n.window.kernel_w);
    uint64_t out = uint64_t(n.out_channels), in = uint64_t(n.in_channels);
    uint64_t out4 = (out + 3) / 4 * 4, in4 = (in + 3) / 4 * 4;
    if (n.kind == NodeKind::DepthwiseConv2d) return (layout == WeightLayout::OIHW ? out : out4) * taps;
    return layout == WeightLayout::OIHW ? out * in * taps : out4 * in4 * taps;
  }

  template <typename Fail>
  static void checkWeights(const ModelNode& n, const Fail& nodeFail) {
    bool conv = n.kind == NodeKind::Conv2d || n.kind == NodeKind::DepthwiseConv2d;
    if (!conv) {
      if (!n.weights.values.empty() || !n.bias.values.empty()) nodeFail("has weights, but takes none");
      return;
    }
    WeightLayout packed = n.kind == NodeKind::Conv2d ? WeightLayout::DenseC4 : WeightLayout::DepthwiseC4;
    for (const WeightData* data : {&n.weights, &n.bias})
      if (data->layout != WeightLayout::OIHW && data->layout != packed)
        nodeFail(std::string(data == &n.weights ? "weights" : "bias") + " use layout " +
                 weightLayoutName(data->layout) + ", which is not a " + nodeKindName(n.kind) + " layout");
    uint64_t expected = weightCount(n, n.weights.layout);
    if (n.weights.values.size() != expected)
      nodeFail("has " + std::to_string(n.weights.values.size()) + " weights, expected " + std::to_string(expected) +
               " for " + weightLayoutName(n.weights.layout) + " " + std::to_string(n.out_channels) + "x" +
               std::to_string(n.in_channels) + " " + std::to_string(n.window.kernel_h) + "x" +
               std::to_string(n.window.kernel_w));
    int expected_bias = n.bias.layout == WeightLayout::OIHW ? n.out_channels : (n.out_channels + 3) / 4 * 4;
    if (!n.bias.values.empty() && n.bias.values.size() != size_t(expected_bias))
      nodeFail("has " + std::to_string(n.bias.values.size()) + " bias values, expected " +
               std::to_string(expected_bias) + " for " + weightLayoutName(n.bias.layout));
  }

  void checkOutputs() const {
    if (m_.outputs.empty()) fail("the model has no outputs");
    for (size_t i = 0; i < m_.outputs.size(); ++i) {
      const ModelOutput& o = m_.outputs[i];
      std::string where = "output " + std::to_string(i) + " (" + outputRoleName(o.role) + ")";
      if (!validTensor(o.tensor))
        fail(where + ": tensor index " + std::to_string(o.tensor) + " is out of range (" +
             std::to_string(m_.tensors.size()) + " tensors)");
      for (size_t j = 0; j < i; ++j)
        if (m_.outputs[j].role == o.role) fail(where + ": role already taken by output " + std::to_string(j));
    }
  }

  void checkMetadata() const {
    const ModelMetadata& meta = m_.metadata;
    if (meta.output_stride < 1)
      fail("metadata: output stride " + std::to_string(meta.output_stride) + " must be positive");
    size_t means = meta.preprocessing == Preprocessing::ResNet ? 3 : 0;
    if (meta.mean.size() != means)
      fail(std::string("metadata: ") + preprocessingName(meta.preprocessing) + " preprocessing needs " +
           std::to_string(means) + " mean values, has " + std::to_string(meta.mean.size()));
    for (float v : meta.mean)
      if (!std::isfinite(v)) fail("metadata: mean values must be finite");
    int keypoints = int(meta.keypoint_names.size());
    for (const SkeletonEdge& e : meta.skeleton)
      if (e.a < 0 || e.a >= keypoints || e.b < 0 || e.b >= keypoints)
        fail("metadata: skeleton edge " + std::to_string(e.a) + "-" + std::to_string(e.b) +
             " is out of range for " + std::to_string(keypoints) + " keypoints");
    if (keypoints) checkKeypointOutputs(keypoints);
  }

  // Heatmaps hold one channel per keypoint and offsets a (y, x) pair per keypoint.
  void checkKeypointOutputs(int keypoints) const {
    for (const ModelOutput& o : m_.outputs) {
      int per_keypoint = o.role == OutputRole::Heatmap ? 1 : o.role == OutputRole::Offsets ? 2 : 0;
      if (per_keypoint && channels(o.tensor) != per_keypoint * keypoints)
        fail(std::string(outputRoleName(o.role)) + " output " + tensorName(o.tensor) + " has " +
             std::to_string(channels(o.tensor)) + " channels, expected " + std::to_string(per_keypoint * keypoints) +
             " for " + std::to_string(keypoints) + " keypoints");
    }
  }

  const Model& m_;
  const std::string& source_;
};

}  // namespace

void validateModel(const Model& model, const std::string& source) { Checker(model, source).run(); }

}  // namespace vkpose
