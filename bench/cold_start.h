// Cold start: from process start to the first keypoints in host memory.
// The parent spawns this same binary in child mode (--cold-start-child) twice
// with VKPOSE_PIPELINE_CACHE pointing at a new, empty temporary file: the
// first child finds no cache (and writes it at exit), the second finds it
// warm. The driver's own disk caches are disabled for both
// (MESA_SHADER_CACHE_DISABLE=true, __GL_SHADER_DISK_CACHE=0) unless
// --driver-shader-cache, so the only difference is vkpose's pipeline cache.
#pragma once

#include <chrono>
#include <string>

#include "bench/options.h"
#include "bench/progress.h"
#include "bench/results.h"

namespace vkpose::bench {

// The line the child prints once it has its first keypoints.
inline constexpr const char* kChildKeypointsLine = "vkpose-bench-child keypoints";

ColdStart measureColdStart(const BenchOptions& options, const std::string& model_path, int size, Progress& progress);

// The child: image -> frame -> Estimator -> one estimate() -> the keypoints
// line (with its own clock from `main_start`) on stdout. Returns the exit status.
int runColdStartChild(const BenchOptions& options, std::chrono::steady_clock::time_point main_start);

}  // namespace vkpose::bench
