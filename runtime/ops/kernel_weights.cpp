#include "runtime/ops/kernel_weights.h"

#include "engine/error.h"
#include "runtime/model/weight_layout.h"

namespace vkpose {

void requireWeightLayout(const WeightData& data, WeightLayout packed, const std::string& op, const char* what) {
  if (data.layout != WeightLayout::OIHW && data.layout != packed)
    throw Error(op + ": " + what + " layout " + weightLayoutName(data.layout) + " is neither OIHW nor " +
                weightLayoutName(packed));
}

size_t storedChannels(WeightLayout layout, int channels) {
  return layout == WeightLayout::OIHW ? size_t(channels) : (size_t(channels) + 3) / 4 * 4;
}

std::vector<float> denseC4Weights(const WeightData& weights, int out_channels, int in_channels, int kernel_h,
                                  int kernel_w) {
  if (weights.layout != WeightLayout::OIHW) return weights.values;
  return packDenseC4(weights.values, out_channels, in_channels, kernel_h, kernel_w);
}

std::vector<float> depthwiseC4Weights(const WeightData& weights, int channels, int kernel_h, int kernel_w) {
  if (weights.layout != WeightLayout::OIHW) return weights.values;
  return packDepthwiseC4(weights.values, channels, kernel_h, kernel_w);
}

std::vector<float> biasC4(const WeightData& bias, int channels) {
  if (bias.layout == WeightLayout::OIHW || bias.values.empty()) return packBiasC4(bias.values, channels);
  return bias.values;
}

}  // namespace vkpose
