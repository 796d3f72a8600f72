// --compare-onnxruntime: runs bench/onnxruntime-bench.js with Node on the
// ONNX model at the same sizes, in the same run, and fills in each size's
// onnxruntime time. Never throws: a missing Node, script, package or model
// leaves OnnxruntimeRun::skipped saying why.
#pragma once

#include <vector>

#include "bench/options.h"
#include "bench/progress.h"
#include "bench/results.h"

namespace vkpose::bench {

OnnxruntimeRun runOnnxruntime(const BenchOptions& options, std::vector<SizeResult>& sizes, Progress& progress);

}  // namespace vkpose::bench
