// A layer's weights and bias in the layout its kernel reads
// (docs/tensor-layout.md), from either form a model may store: OIHW is packed
// here, once, at load time; DenseC4 and DepthwiseC4, which the converter's
// relayout pass writes, already are the kernels' layouts and are taken as
// they are. Each op checks the value counts first, naming itself.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "runtime/model/model.h"

namespace vkpose {

// Throws unless `data` is OIHW or `packed`, the op's kernel layout; `what`
// is "weights" or "bias".
void requireWeightLayout(const WeightData& data, WeightLayout packed, const std::string& op, const char* what);

// Channels as stored in `layout`: packed layouts round up to whole blocks of 4.
size_t storedChannels(WeightLayout layout, int channels);

// Dense conv weights (OIHW or DenseC4) as DenseC4.
std::vector<float> denseC4Weights(const WeightData& weights, int out_channels, int in_channels, int kernel_h,
                                  int kernel_w);
// Depthwise weights (OIHW [c][1][kh][kw] or DepthwiseC4) as DepthwiseC4.
std::vector<float> depthwiseC4Weights(const WeightData& weights, int channels, int kernel_h, int kernel_w);
// Bias ([c] or [c/4][4], or absent) as [c/4][4], zeros when absent.
std::vector<float> biasC4(const WeightData& bias, int channels);

}  // namespace vkpose
