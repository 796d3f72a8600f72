// The per-size measurements on the Estimator (docs/benchmarks.md):
//   GPU time   GpuTimingMode::Total, median over the latency run's frames
//   per layer  a second Estimator with GpuTimingMode::PerLayer, one frame slot
//   latency    estimate() on the host frame: submit, wait, pose in host memory;
//              again with the frame on the GPU (GpuFrame), and written in place
//              into the staging buffer (acquireFrame), and in the caller's
//              registered memory (registerHostMemory), none copied at submit
//   throughput N frames kept in flight, the oldest collected when all are held
//   memory     Estimator::memory() after the throughput run (every slot staged)
#pragma once

#include <optional>
#include <memory>
#include <string>

#include "bench/frame_source.h"
#include "bench/progress.h"
#include "bench/results.h"
#include "engine/memory.h"
#include "runtime/estimator.h"

namespace vkpose::bench {

struct MeasureSettings {
  std::string model_path;
  std::optional<Precision> precision;  // unset: the Estimator's default
  int in_flight = 2;
  int iterations = 100;
  int warmup = 3;
  bool per_layer = true;
  std::optional<int> fence_spin_us;
  int copy_threads = 1;
};

class Measurer {
 public:
  // Creates the main Estimator (GpuTimingMode::Total) at `first_size`: loads
  // the model and the device, so a bad model or device fails here.
  Measurer(const MeasureSettings& settings, const BenchFrame& frame, int first_size, Progress& progress);
  ~Measurer();

  // `label` prefixes progress lines ("size 257 (2/3)").
  SizeResult measure(int size, const std::string& label);

  Estimator& estimator() { return *timed_; }
  // Validation messages seen by either Estimator's device so far.
  size_t validationMessages();

 private:
  void measureLatency(SizeResult& result, const std::string& label);
  void measureGpuFrameLatency(SizeResult& result, const std::string& label);
  GpuFrame gpuFrame();
  void measureInPlaceLatency(SizeResult& result, const std::string& label);
  void measureRegisteredLatency(SizeResult& result, const std::string& label);
  Frame inPlaceFrame();
  void measureThroughput(SizeResult& result, const std::string& label);
  void measurePerLayer(SizeResult& result, const std::string& label);
  Frame frame() const;

  MeasureSettings settings_;
  const BenchFrame& frame_;
  Progress& progress_;
  std::unique_ptr<Estimator> timed_;      // Total timing, settings_.in_flight slots
  std::unique_ptr<Estimator> per_layer_;  // PerLayer timing, one slot; made at first use
  Buffer gpu_frame_;                      // the frame in device-local memory; made at first use
};

// Checks a size as the Estimator does (range, then the model's stride),
// throwing vkpose::Error with the runtime's message, which names the nearest
// valid sizes.
void checkSize(int size, const Model& model);

}  // namespace vkpose::bench
