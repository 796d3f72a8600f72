// vkpose-bench's command line, parsed without side effects.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vkpose::bench {

inline constexpr int kDefaultColdStartSize = 257;

struct BenchOptions {
  bool help = false;
  std::string model;  // empty: found beside the executable or in build/models (options.cpp)
  std::vector<int> sizes = {161, 257, 385, 513, 641, 801};
  int frame_width = 1280, frame_height = 720;  // the RGBA8 frame handed to the Estimator
  int in_flight = 2;                            // frames in flight for the throughput run
  std::optional<int> fence_spin_us;             // EstimatorOptions::fence_spin_us; unset: its default
  int copy_threads = 1;                         // EstimatorOptions::copy_threads
  std::optional<bool> fp16;                     // --precision fp16 / fp32; unset (auto): the Estimator's default
  int iterations = 100;                         // measured frames per size and measurement
  int warmup = 3;                               // frames before measuring, per size and measurement
  bool per_layer = true;                        // the extra PerLayer run
  std::string json_path;
  std::string plot_path;
  std::string image;  // empty: tests/data/images/pose.jpg, found like the model; else a synthetic frame
  // Cold start: one size (kDefaultColdStartSize if measured, else the first), 0 = skip.
  int cold_start_size = -1;  // -1: automatic
  // Cold start: leave the driver's own on-disk shader caches (Mesa's, NVIDIA's)
  // on in the children; by default they are off, so that only vkpose's
  // pipeline cache differs between the two runs.
  bool driver_shader_cache = false;
  bool compare_onnxruntime = false;
  std::string onnx_model;  // empty: models/posenet-mobilenet-v1-075.onnx
  std::string node;        // empty: `node` on PATH
  int threads = 0;         // onnxruntime threads; 0: the script's default (nproc)
  // Internal: the child process of the cold-start measurement.
  bool cold_start_child = false;
};

// Throws std::invalid_argument naming the bad argument.
BenchOptions parseBenchOptions(const std::vector<std::string>& args);
const char* benchUsage();

// The size whose cold start is measured (0: none).
int coldStartSize(const BenchOptions& options);

}  // namespace vkpose::bench
