// Conv (dense or depthwise) and BatchNormalization: the operators that carry
// weights.
#include <string>

#include "converter/onnx_import_ops.h"
#include "converter/onnx_tensors.h"

namespace vkpose::convert::onnximport {

namespace {

int channelsOf(const ImportState& state, int tensor) { return state.graph.tensors[size_t(tensor)].channels; }

struct WeightShape {
  int out_channels, in_per_group, kernel_h, kernel_w;
};

WeightShape readWeightShape(const NodeSite& site, const onnx::TensorProto& weights) {
  if (weights.dims_size() != 4)
    site.fail("weights '" + weights.name() + "' have " + std::to_string(weights.dims_size()) +
              " dims; only 2-D convolutions with [O, I/group, kh, kw] weights are supported");
  const auto& dims = weights.dims();
  return {toInt(site, "weights dim O", dims[0], 1), toInt(site, "weights dim I", dims[1], 1),
          toInt(site, "weights dim kh", dims[2], 1), toInt(site, "weights dim kw", dims[3], 1)};
}

// Conv2d for group 1, DepthwiseConv2d for group == C_in == C_out with one
// input channel per group; other groupings have no kernel.
OpKind convKind(const NodeSite& site, const WeightShape& shape, int in_channels, const std::string& weights_name) {
  int64_t group = intAttribute(site, "group", 1);
  if (group == 1) {
    if (shape.in_per_group != in_channels)
      site.fail("weights '" + weights_name + "' expect " + std::to_string(shape.in_per_group) +
                " input channels but the input has " + std::to_string(in_channels));
    return OpKind::Conv2d;
  }
  if (group == in_channels && shape.out_channels == in_channels && shape.in_per_group == 1)
    return OpKind::DepthwiseConv2d;
  site.fail("group " + std::to_string(group) + " with " + std::to_string(in_channels) + " input and " +
            std::to_string(shape.out_channels) + " output channels is not supported; only group 1 or depthwise " +
            "(group = input channels = output channels)");
}

std::vector<float> readBias(const ImportState& state, const NodeSite& site, int out_channels) {
  std::string name = ImportState::optionalInput(site, 2);
  if (name.empty()) return {};
  std::vector<float> bias = floatValues(state.constant(site, name, "bias"), site.describe());
  if (bias.size() != size_t(out_channels))
    site.fail("bias '" + name + "' has " + std::to_string(bias.size()) + " values, expected " +
              std::to_string(out_channels));
  return bias;
}

// One per-channel BatchNormalization parameter, checked against the channels.
std::vector<float> readChannelParam(const ImportState& state, const NodeSite& site, int index, const char* what,
                                    int channels) {
  const std::string& name = site.proto->input(index);
  std::vector<float> values = floatValues(state.constant(site, name, what), site.describe());
  if (values.size() != size_t(channels))
    site.fail(std::string(what) + " '" + name + "' has " + std::to_string(values.size()) + " values, expected " +
              std::to_string(channels));
  return values;
}

void requireInferenceForm(const NodeSite& site) {
  if (int64_t training = intAttribute(site, "training_mode", 0); training != 0)
    site.fail("training_mode " + std::to_string(training) + " is not supported; only the inference form");
  for (int i = 1; i < site.proto->output_size(); ++i)
    if (!site.proto->output(i).empty())
      site.fail("has output '" + site.proto->output(i) +
                "' of the training form; only the inference form is supported");
  if (intAttribute(site, "spatial", 1) != 1) site.fail("spatial 0 (per-element statistics) is not supported");
}

}  // namespace

void importConv(ImportState& state, const NodeSite& site) {
  site.requireInputs(2, 3);
  int input = state.activation(site, site.proto->input(0));
  const onnx::TensorProto& weights = state.constant(site, site.proto->input(1), "weights");
  // Reading the values first checks dtype, dims and data size, naming the tensor.
  std::vector<float> weight_values = floatValues(weights, site.describe());
  WeightShape shape = readWeightShape(site, weights);
  auto kernel = readKernelShape(site, {shape.kernel_h, shape.kernel_w});
  if (kernel != std::pair(shape.kernel_h, shape.kernel_w))
    site.fail("kernel_shape [" + std::to_string(kernel.first) + "," + std::to_string(kernel.second) +
              "] disagrees with weights '" + weights.name() + "' (" + std::to_string(shape.kernel_h) + "x" +
              std::to_string(shape.kernel_w) + ")");
  Node node;
  node.in_channels = channelsOf(state, input);
  node.kind = convKind(site, shape, node.in_channels, weights.name());
  node.out_channels = shape.out_channels;
  node.inputs = {input};
  node.window = readWindow(site, shape.kernel_h, shape.kernel_w);
  node.weights = std::move(weight_values);
  node.bias = readBias(state, site, shape.out_channels);
  state.emit(site, std::move(node), shape.out_channels);
}

void importBatchNorm(ImportState& state, const NodeSite& site) {
  site.requireInputs(5, 5);
  requireInferenceForm(site);
  Node node;
  node.kind = OpKind::BatchNorm;
  node.inputs = {state.activation(site, site.proto->input(0))};
  int channels = channelsOf(state, node.inputs[0]);
  node.in_channels = node.out_channels = channels;
  BatchNormParams& params = node.batch_norm;
  params.epsilon = floatAttribute(site, "epsilon", 1e-5f);
  params.scale = readChannelParam(state, site, 1, "scale", channels);
  params.shift = readChannelParam(state, site, 2, "B", channels);
  params.mean = readChannelParam(state, site, 3, "mean", channels);
  params.variance = readChannelParam(state, site, 4, "var", channels);
  for (size_t c = 0; c < params.variance.size(); ++c)
    if (!(params.variance[c] + params.epsilon > 0.f))
      site.fail("var + epsilon is " + std::to_string(params.variance[c] + params.epsilon) + " at channel " +
                std::to_string(c) + "; it must be positive");
  state.emit(site, std::move(node), channels);
}

}  // namespace vkpose::convert::onnximport
