// Everything one vkpose-bench run measures, as plain data for the reports
// (table, JSON, plot).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "runtime/estimator.h"
#include "bench/stats.h"

namespace vkpose::bench {

// Medians over the GpuTimingMode::Total run, one frame each (ms).
struct GpuTimes {
  Summary total;  // preprocess + network + decode: from the frame's first command (its staging read) to the pose
                  // written into host-visible memory
  double preprocess_ms = 0, network_ms = 0, decode_ms = 0;  // medians of each part
  // GpuTiming::preprocess_label: "preprocess", or "preprocess+" the first
  // layer where it runs inside preprocessing (then part of preprocess_ms).
  std::string preprocess_label;
};

struct LayerTime {
  std::string name;
  double median_ms = 0;
};

// The GpuTimingMode::PerLayer run: one timestamp after every layer, which adds
// a little GPU time of its own (compare total with GpuTimes::total).
struct PerLayerTimes {
  Summary total;
  double network_ms = 0;  // median of the network's part
  std::vector<LayerTime> layers;
};

struct MemoryFigures {
  uint64_t weights = 0, activations = 0, staging = 0, readback = 0, total = 0, device_memory = 0;
  int frames_in_flight = 0;  // slots the figures cover (activations, staging, readback are per slot)
};

struct OnnxruntimeTimes {
  Summary run;  // one session.run, network only, on the CPU
};

struct SizeResult {
  int size = 0;
  int heatmap_side = 0;
  std::optional<GpuTimes> gpu;             // nullopt: no timestamps on this queue
  std::optional<PerLayerTimes> per_layer;  // nullopt: skipped or no timestamps
  Summary latency;                         // host: estimate() from handing over the frame to the pose in host memory
  // The same with the frame already on the GPU (GpuFrame, a device-local
  // buffer, as a host engine's texture would be): no copy into staging.
  Summary latency_gpu_frame;
  std::optional<GpuTimes> gpu_gpu_frame;
  // The host frame written in place (Estimator::acquireFrame; the write is
  // done before the clock starts, as a decoder's): no copy inside submit.
  Summary latency_in_place;
  std::optional<GpuTimes> gpu_in_place;
  // The host frame in the caller's registered memory
  // (Estimator::registerHostMemory): the GPU reads it in place, no copy.
  // Unset where the device cannot import host memory, which
  // registration_refused then explains.
  std::optional<Summary> latency_registered;
  std::optional<GpuTimes> gpu_registered;
  std::string registration_refused;
  double throughput_fps = 0;               // frames_in_flight frames kept in flight
  int throughput_frames = 0;
  double throughput_seconds = 0;
  MemoryFigures memory;
  uint64_t readback_bytes_per_frame = 0;  // sizeof(PoseGpu)
  float pose_score = 0;                   // of the last frame: a broken run shows here
  int confident_keypoints = 0;            // keypoints with score >= 0.5
  std::optional<OnnxruntimeTimes> onnxruntime;
};

struct ColdStartRun {
  bool ok = false;
  double spawn_to_keypoints_ms = 0;     // parent's clock: posix_spawn to the child's keypoints line
  double child_main_to_keypoints_ms = 0;  // the child's own clock from main()
  double child_estimator_ms = 0;          // the child's Estimator constructor (device, model, pipelines)
  double child_first_frame_ms = 0;        // the child's first estimate() (drivers may compile lazily here)
  ContextCreationTimes child_context;     // inside the Estimator constructor: the Vulkan loader, instance, device
  EstimatorCreationTimes child_estimator_parts;  // the rest of it: model, frame slots (context unset: see above)
  double child_frame_source_ms = 0;       // the child's own frame (decoding the photo), before the Estimator
  int child_pipelines = 0;                // pipelines the child created before its keypoints
  double child_pipelines_ms = 0;          // vkCreateComputePipelines for them, from the pipeline cache if warm
  uint64_t cache_bytes_after = 0;         // the pipeline cache file's size after the run
  std::string error;
};

struct ColdStart {
  int size = 0;
  bool driver_shader_cache = false;  // the driver's own disk cache was left on
  ColdStartRun no_cache;    // a fresh, empty VKPOSE_PIPELINE_CACHE path
  ColdStartRun warm_cache;  // the same path again, now holding the first run's cache
};

struct Environment {
  std::string device, device_type, driver_name, driver_info, driver_version, vulkan_version;
  uint32_t vendor_id = 0, device_id = 0;
  bool timestamps = false;
  bool validation = false;
  std::string date_utc;  // ISO 8601
  std::string host, cpu;
  int cpu_threads = 0;
  std::string command_line;
  std::string vkpose_version;
};

struct OnnxruntimeRun {
  bool ran = false;
  std::string skipped;  // why it did not run
  std::string version, model;
  int threads = 0;
  std::string note;  // what it measures
};

struct BenchResults {
  Environment env;
  std::string model_path;
  int model_nodes = 0;  // nodes in the model file
  int layers_run = 0;   // nodes the Estimator runs (the per-layer list); single-pose decoding skips the displacement heads
  std::string precision;
  int frame_width = 0, frame_height = 0;
  std::string frame_source;  // the photo's path, or "synthetic (...)"
  int in_flight = 0;
  int iterations = 0, warmup = 0;
  std::vector<SizeResult> sizes;
  std::optional<ColdStart> cold_start;
  std::optional<OnnxruntimeRun> onnxruntime;
};

}  // namespace vkpose::bench
