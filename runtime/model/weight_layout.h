// The kernels' weight layouts (docs/tensor-layout.md), shared by the ops,
// which pack at load time, and the converter's re-layout pass, which packs
// once offline. One implementation, so the two can never disagree.
#pragma once

#include <vector>

namespace vkpose {

// OIHW -> [oc/4][ic/4][ky][kx][input lane 0..3][output lane 0..3], zero padded.
std::vector<float> packDenseC4(const std::vector<float>& oihw, int out_channels, int in_channels, int kernel_h,
                               int kernel_w);
// [c][1][kh][kw] -> [c/4][ky][kx][lane 0..3], zero padded.
std::vector<float> packDepthwiseC4(const std::vector<float>& weights, int channels, int kernel_h, int kernel_w);
// [c] -> [c/4][lane 0..3], zero padded; empty bias gives zeros.
std::vector<float> packBiasC4(const std::vector<float>& bias, int channels);

}  // namespace vkpose
