// What TF's conv and pool attrs mean for the IR: data format, window
// (strides, dilations, padding) and the ops fused into a conv.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "converter/ir.h"
#include "converter/tfjs_nodes.h"

namespace vkpose::convert {

// `value` as an int in [min, 2^24]; throws naming the node and `what`.
int checkedInt(int64_t value, int64_t min, const TfjsNode& node, const std::string& what);

// Throws unless data_format is absent (TF's default) or NHWC.
void requireNhwc(const TfjsNode& node);

// attr `key` as [1, h, w, 1] (NHWC: batch and channel entries must be 1);
// {1, 1} when absent and not `required`. Returns {h, w}.
std::pair<int, int> spatialPair(const TfjsNode& node, const char* key, bool required);

// Strides, dilations and padding of a conv or pool; the kernel comes from
// the filter or ksize. SAME maps to SameUpper, EXPLICIT to explicit_paddings.
Window readWindow(const TfjsNode& node, int kernel_h, int kernel_w);

// _FusedConv2D / FusedDepthwiseConv2dNative: fused_ops must be a bias,
// optionally followed by Relu or Relu6 (-> Clip 0..6), with num_args 1.
Activation readFusedOps(const TfjsNode& node);

}  // namespace vkpose::convert
