#include "runtime/model/weight_layout.h"

#include <stdexcept>
#include <string>

namespace vkpose {

namespace {

size_t blocks(int channels) { return size_t((channels + 3) / 4); }

void expectCount(const std::vector<float>& values, size_t count, const char* what) {
  if (values.size() != count)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(values.size()) + " values, expected " +
                                std::to_string(count));
}

}  // namespace

std::vector<float> packDenseC4(const std::vector<float>& oihw, int out_channels, int in_channels, int kernel_h,
                               int kernel_w) {
  size_t taps = size_t(kernel_h) * size_t(kernel_w);
  expectCount(oihw, size_t(out_channels) * size_t(in_channels) * taps, "packDenseC4");
  size_t ic4 = blocks(in_channels);
  std::vector<float> packed(blocks(out_channels) * ic4 * taps * 16, 0.f);
  for (size_t o = 0; o < size_t(out_channels); ++o)
    for (size_t i = 0; i < size_t(in_channels); ++i)
      for (size_t t = 0; t < taps; ++t) {
        size_t block = ((o / 4) * ic4 + i / 4) * taps + t;
        packed[block * 16 + (i % 4) * 4 + o % 4] = oihw[(o * size_t(in_channels) + i) * taps + t];
      }
  return packed;
}

std::vector<float> packDepthwiseC4(const std::vector<float>& weights, int channels, int kernel_h, int kernel_w) {
  size_t taps = size_t(kernel_h) * size_t(kernel_w);
  expectCount(weights, size_t(channels) * taps, "packDepthwiseC4");
  std::vector<float> packed(blocks(channels) * taps * 4, 0.f);
  for (size_t c = 0; c < size_t(channels); ++c)
    for (size_t t = 0; t < taps; ++t) packed[((c / 4) * taps + t) * 4 + c % 4] = weights[c * taps + t];
  return packed;
}

std::vector<float> packBiasC4(const std::vector<float>& bias, int channels) {
  if (!bias.empty()) expectCount(bias, size_t(channels), "packBiasC4");
  std::vector<float> packed(blocks(channels) * 4, 0.f);
  for (size_t c = 0; c < bias.size(); ++c) packed[c] = bias[c];
  return packed;
}

}  // namespace vkpose
