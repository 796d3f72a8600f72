// One importer per supported ONNX operator. Each reads its node through
// ImportState and either appends IR nodes or registers constants; anything
// the runtime cannot execute exactly is an error naming the node and why.
#pragma once

#include "converter/onnx_import_state.h"

namespace vkpose::convert::onnximport {

// Dispatches on op_type; an operator outside the supported set is an error
// naming it, the node and its position.
void importNode(ImportState& state, const NodeSite& site);

// Window attributes shared by Conv and the pools: strides, dilations, pads
// ([top, left, bottom, right] = ONNX [x1_begin, x2_begin, x1_end, x2_end])
// and auto_pad, for a kernel already known.
Window readWindow(const NodeSite& site, int kernel_h, int kernel_w);
// kernel_shape as [h, w]; `fallback` when absent (Conv takes it from W).
std::pair<int, int> readKernelShape(const NodeSite& site, std::pair<int, int> fallback);

void importConv(ImportState& state, const NodeSite& site);
void importBatchNorm(ImportState& state, const NodeSite& site);
void importMaxPool(ImportState& state, const NodeSite& site);
void importAveragePool(ImportState& state, const NodeSite& site);
void importRelu(ImportState& state, const NodeSite& site);
void importSigmoid(ImportState& state, const NodeSite& site);
void importClip(ImportState& state, const NodeSite& site);
void importAdd(ImportState& state, const NodeSite& site);
void importIdentity(ImportState& state, const NodeSite& site);
void importConstant(ImportState& state, const NodeSite& site);
void importTranspose(ImportState& state, const NodeSite& site);
void importReshape(ImportState& state, const NodeSite& site);

}  // namespace vkpose::convert::onnximport
