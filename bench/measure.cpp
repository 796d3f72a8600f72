#include "bench/measure.h"

#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <map>

#include "engine/error.h"
#include "engine/transfer.h"
#include "runtime/model/shapes.h"
#include "runtime/ops/decode.h"

namespace vkpose::bench {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

EstimatorOptions estimatorOptions(const MeasureSettings& s, int size, int in_flight, GpuTimingMode timing) {
  EstimatorOptions o;
  o.model_path = s.model_path;
  o.input_size = size;
  o.precision = s.precision;
  o.frames_in_flight = in_flight;
  o.gpu_timing = timing;
  o.fence_spin_us = s.fence_spin_us;
  o.copy_threads = s.copy_threads;
  return o;
}

int confidentKeypoints(const Pose& pose) {
  int n = 0;
  for (const Keypoint& k : pose.keypoints) n += k.score >= 0.5f;
  return n;
}

struct TimedRun {
  Summary latency;
  std::optional<GpuTimes> gpu;  // nullopt: no timestamps on this queue
  Pose last_pose;
};

// `iterations` estimate() calls one at a time: `next()` readies each frame (a
// host Frame or a GpuFrame) before the clock starts; host latency is timed
// around estimate(), and the GPU time of each frame read from its timestamps.
template <class NextFrame>
TimedRun timeEstimates(Estimator& estimator, NextFrame&& next, int iterations, Progress& progress,
                       const std::string& what) {
  progress.begin(what, iterations);
  std::vector<double> latency, total, pre, net, dec;
  std::string pre_label;
  TimedRun run;
  for (int i = 0; i < iterations; ++i) {
    auto frame = next();
    Clock::time_point start = Clock::now();
    run.last_pose = estimator.estimate(frame);
    latency.push_back(msSince(start));
    if (std::optional<GpuTiming> t = estimator.lastGpuTiming()) {
      total.push_back(t->total_ms);
      pre.push_back(t->preprocess_ms);
      pre_label = t->preprocess_label;
      net.push_back(t->network_ms);
      dec.push_back(t->decode_ms);
    }
    progress.tick(i + 1);
  }
  progress.end();
  run.latency = summarise(latency);
  if (!total.empty()) run.gpu = GpuTimes{summarise(total), median(pre), median(net), median(dec), pre_label};
  return run;
}

// Warm-up and timed estimate() calls on frames that must not be copied:
// `path` counts the frames that took the expected no-copy path.
TimedRun timeUncopied(Estimator& estimator, const MeasureSettings& settings, Progress& progress,
                      const std::function<Frame()>& next, uint64_t HostFrameCounts::*path, const std::string& what) {
  uint64_t before = estimator.hostFrameCounts().*path;
  for (int i = 0; i < settings.warmup; ++i) estimator.estimate(next());
  TimedRun run = timeEstimates(estimator, next, settings.iterations, progress, what);
  // A frame that silently took the copy path would make this run measure the wrong thing.
  uint64_t uncopied = estimator.hostFrameCounts().*path - before;
  if (uncopied != uint64_t(settings.warmup + settings.iterations))
    throw Error(what + ": only " + std::to_string(uncopied) + " of " +
                std::to_string(settings.warmup + settings.iterations) + " frames were submitted without a copy");
  return run;
}

}  // namespace

void checkSize(int size, const Model& model) {
  if (size < kEstimatorMinInputSize || size > kEstimatorMaxInputSize)
    throw Error("input size " + std::to_string(size) + " is outside " + std::to_string(kEstimatorMinInputSize) + ".." +
                std::to_string(kEstimatorMaxInputSize));
  if (!isValidInputSize(size, model.metadata.output_stride))
    throw Error(invalidInputSizeMessage(size, model.metadata.output_stride));
}

Measurer::Measurer(const MeasureSettings& settings, const BenchFrame& frame, int first_size, Progress& progress)
    : settings_(settings), frame_(frame), progress_(progress) {
  progress_.begin("creating the Estimator (device, model, pipelines)");
  timed_ = std::make_unique<Estimator>(
      estimatorOptions(settings_, first_size, settings_.in_flight, GpuTimingMode::Total));
  progress_.end();
}

Measurer::~Measurer() = default;

Frame Measurer::frame() const {
  return Frame::packed(frame_.rgba.data(), frame_.width, frame_.height, PixelFormat::RGBA8);
}

size_t Measurer::validationMessages() {
  size_t n = timed_->context().validationLog().count();
  if (per_layer_) n += per_layer_->context().validationLog().count();
  return n;
}

SizeResult Measurer::measure(int size, const std::string& label) {
  SizeResult result;
  result.size = size;
  result.heatmap_side = (size - 1) / timed_->model().metadata.output_stride + 1;
  result.readback_bytes_per_frame = sizeof(PoseGpu);
  progress_.begin(label + ": planning");
  timed_->setInputSize(size);
  progress_.end();
  measureLatency(result, label);
  measureGpuFrameLatency(result, label);
  measureInPlaceLatency(result, label);
  measureRegisteredLatency(result, label);
  measureThroughput(result, label);
  EstimatorMemory m = timed_->memory();
  result.memory = {m.weights, m.activations, m.staging, m.readback, m.total, m.device_memory, settings_.in_flight};
  if (settings_.per_layer) measurePerLayer(result, label);
  return result;
}

// One frame at a time: the host hands over the frame (copy into staging,
// submit) and blocks until the pose is in host memory. The same frames give
// the GPU time from their timestamps.
void Measurer::measureLatency(SizeResult& result, const std::string& label) {
  Frame f = frame();
  progress_.begin(label + ": warm-up", settings_.warmup);
  for (int i = 0; i < settings_.warmup; ++i) {
    timed_->estimate(f);
    progress_.tick(i + 1);
  }
  TimedRun run =
      timeEstimates(*timed_, [&] { return f; }, settings_.iterations, progress_, label + ": GPU time and latency");
  result.latency = run.latency;
  result.pose_score = run.last_pose.score;
  result.confident_keypoints = confidentKeypoints(run.last_pose);
  result.gpu = run.gpu;
}

GpuFrame Measurer::gpuFrame() {
  FrameLayout layout = FrameLayout::packed(frame_.width, frame_.height, PixelFormat::RGBA8);
  if (!gpu_frame_) {
    Context& ctx = timed_->context();
    gpu_frame_ = ctx.allocator().createBuffer(layout.requiredBytes(), MemoryUsage::DeviceLocal);
    uploadToBuffer(ctx, gpu_frame_, frame_.rgba.data(), frame_.rgba.size());
  }
  return GpuFrame::fromBuffer(gpu_frame_.handle(), 0, gpu_frame_.size(), layout);
}

// The embedding path: the same frame already in device-local memory, read in
// place, so the difference from measureLatency is the host's staging copy.
void Measurer::measureGpuFrameLatency(SizeResult& result, const std::string& label) {
  GpuFrame f = gpuFrame();
  for (int i = 0; i < settings_.warmup; ++i) timed_->estimate(f);
  TimedRun run =
      timeEstimates(*timed_, [&] { return f; }, settings_.iterations, progress_, label + ": latency with the frame on the GPU");
  result.latency_gpu_frame = run.latency;
  result.gpu_gpu_frame = run.gpu;
}

// A decoder writing into the staging buffer itself (Estimator::acquireFrame):
// the frame is acquired and written (memcpy from the source frame) before the
// clock starts, so the latency runs from handing it over to the pose, with no
// copy inside submit.
Frame Measurer::inPlaceFrame() {
  std::optional<AcquiredFrame> acquired =
      timed_->acquireFrame(FrameLayout::packed(frame_.width, frame_.height, PixelFormat::RGBA8));
  if (!acquired) throw Error("in-place latency run: no free frame slot");
  std::memcpy(acquired->pixels, frame_.rgba.data(), frame_.rgba.size());
  return acquired->frame();
}

void Measurer::measureInPlaceLatency(SizeResult& result, const std::string& label) {
  TimedRun run = timeUncopied(*timed_, settings_, progress_, [&] { return inPlaceFrame(); },
                              &HostFrameCounts::in_place, label + ": latency with the frame written in place");
  result.latency_in_place = run.latency;
  result.gpu_in_place = run.gpu;
}

// A decoder's or camera's frame in the caller's own memory, registered with
// the Estimator (registerHostMemory): the GPU reads it there, so submit
// copies nothing. Unregistered at the end: the other runs time the copy of
// the same memory.
void Measurer::measureRegisteredLatency(SizeResult& result, const std::string& label) {
  const void* pixels = frame_.rgba.data();
  if (!timed_->registerHostMemory(pixels, frame_.rgba.size(), &result.registration_refused)) return;
  TimedRun run;
  try {
    run = timeUncopied(*timed_, settings_, progress_, [&] { return frame(); }, &HostFrameCounts::imported,
                       label + ": latency with the frame in registered host memory");
  } catch (...) {
    timed_->unregisterHostMemory(pixels);
    throw;
  }
  timed_->unregisterHostMemory(pixels);
  result.latency_registered = run.latency;
  result.gpu_registered = run.gpu;
}

// N frames in flight: submit while a slot is free, else collect the oldest.
void Measurer::measureThroughput(SizeResult& result, const std::string& label) {
  Frame f = frame();
  const size_t n = size_t(settings_.in_flight);
  auto run = [&](int frames, bool counted) {
    std::deque<Ticket> pending;
    for (int i = 0; i < frames; ++i) {
      if (pending.size() == n) {
        timed_->wait(pending.front());
        pending.pop_front();
      }
      std::optional<Ticket> ticket = timed_->submit(f);
      if (!ticket) throw Error("throughput run: no free frame slot with " + std::to_string(pending.size()) + " held");
      pending.push_back(*ticket);
      if (counted) progress_.tick(i + 1);
    }
    while (!pending.empty()) {
      timed_->wait(pending.front());
      pending.pop_front();
    }
  };
  progress_.begin(label + ": throughput warm-up");
  run(std::max(settings_.warmup, settings_.in_flight), false);
  progress_.begin(label + ": throughput, " + std::to_string(n) + " in flight", settings_.iterations);
  Clock::time_point start = Clock::now();
  run(settings_.iterations, true);
  double seconds = msSince(start) / 1000.0;
  progress_.end();
  result.throughput_frames = settings_.iterations;
  result.throughput_seconds = seconds;
  result.throughput_fps = seconds > 0 ? settings_.iterations / seconds : 0;
}

void Measurer::measurePerLayer(SizeResult& result, const std::string& label) {
  if (!per_layer_) {
    progress_.begin(label + ": creating the per-layer Estimator");
    per_layer_ = std::make_unique<Estimator>(estimatorOptions(settings_, result.size, 1, GpuTimingMode::PerLayer));
  }
  per_layer_->setInputSize(result.size);
  Frame f = frame();
  progress_.begin(label + ": per-layer GPU time", settings_.warmup + settings_.iterations);
  std::vector<double> total, network;
  std::vector<std::string> names;
  std::vector<std::vector<double>> layers;
  for (int i = 0; i < settings_.warmup + settings_.iterations; ++i) {
    per_layer_->estimate(f);
    progress_.tick(i + 1);
    std::optional<GpuTiming> t = per_layer_->lastGpuTiming();
    if (i < settings_.warmup || !t) continue;
    total.push_back(t->total_ms);
    network.push_back(t->network_ms);
    if (layers.empty()) {
      layers.resize(t->layers.size());
      for (const TimedSpan& span : t->layers) names.push_back(span.label);
    }
    for (size_t l = 0; l < t->layers.size() && l < layers.size(); ++l) layers[l].push_back(t->layers[l].ms);
  }
  progress_.end();
  if (total.empty()) return;
  PerLayerTimes p{summarise(total), median(network), {}};
  for (size_t l = 0; l < layers.size(); ++l) p.layers.push_back({names[l], median(layers[l])});
  result.per_layer = std::move(p);
}

}  // namespace vkpose::bench
