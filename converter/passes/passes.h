// The converter's passes, run in this order by runPasses():
//   1. remove_identity    drop Identity nodes (and accepted no-op Reshape/Transpose)
//   2. fold_batchnorm     Conv/Depthwise followed by BatchNorm -> one conv
//   3. fuse_activation    Conv/Depthwise/Add followed by Relu/Clip/Sigmoid -> epilogue
//   4. relayout_weights   OIHW -> the kernels' C4 layouts (runtime/model/weight_layout.h)
//   5. fp16_weights       mark weights for fp16 storage (--fp16)
// Each pass lives in its own file, matches before it mutates, and logs every
// rewrite through Log::verbose.
#pragma once

#include "converter/ir.h"
#include "converter/log.h"

namespace vkpose::convert {

struct PassOptions {
  bool relayout = true;  // off for ONNX export, which needs OIHW
  bool fp16 = false;
};

void removeIdentity(Graph& graph, Log& log);
void foldBatchNorm(Graph& graph, Log& log);
void fuseActivation(Graph& graph, Log& log);
void relayoutWeights(Graph& graph, Log& log);
void fp16Weights(Graph& graph, Log& log);

void runPasses(Graph& graph, const PassOptions& options, Log& log);

}  // namespace vkpose::convert
