// Naive double-precision CPU execution of a .vkpose graph, the reference the
// executor is checked against. It shares nothing with the runtime's planning
// or kernels: packed weights are unpacked back to OIHW here (the inverse of
// runtime/model/weight_layout.h, tested to be), SAME padding is resolved with
// the reference's own rule, and every node runs through tests/reference.
#pragma once

#include <vector>

#include "runtime/model/model.h"
#include "tests/reference/reference_ops.h"

namespace vkpose::test {

// Inverses of packDenseC4, packDepthwiseC4 and packBiasC4. They throw
// std::invalid_argument on a wrong value count or on a non-zero padding
// lane, which the kernels would read into real outputs.
std::vector<float> unpackDenseC4(const std::vector<float>& packed, int out_channels, int in_channels, int kernel_h,
                                 int kernel_w);
std::vector<float> unpackDepthwiseC4(const std::vector<float>& packed, int channels, int kernel_h, int kernel_w);
std::vector<float> unpackBiasC4(const std::vector<float>& packed, int channels);

// Every tensor of `model` (index = tensor index) for `input`, the 3-channel
// image in CHW. `model` must be valid (validateModel).
std::vector<ref::Tensor> runModelReference(const Model& model, const ref::Tensor& input);

}  // namespace vkpose::test
