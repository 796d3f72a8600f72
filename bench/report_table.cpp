// The readable report on stdout.
#include <cmath>
#include <cstdarg>
#include <limits>
#include <optional>
#include <string>

#include "bench/report.h"

namespace vkpose::bench {

namespace {

double mib(uint64_t bytes) { return double(bytes) / (1024.0 * 1024.0); }

std::string format(const char* fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof(buffer), fmt, args);
  va_end(args);
  return buffer;
}

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();  // not measured: printed as "-"

std::string ms(double v, int width = 9) { return std::isnan(v) ? format("%*s", width, "-") : format("%*.3f", width, v); }

// Long graph names keep their informative end.
std::string shortName(const std::string& name, size_t width) {
  if (name.size() <= width) return name;
  return "..." + name.substr(name.size() - (width - 3));
}

void printHeader(const BenchResults& r, std::FILE* out) {
  const Environment& e = r.env;
  std::fprintf(out, "vkpose-bench %s on %s (%s), driver %s %s%s%s, Vulkan %s\n", e.vkpose_version.c_str(),
               e.device.c_str(), e.device_type.c_str(), e.driver_name.c_str(), e.driver_version.c_str(),
               e.driver_info.empty() ? "" : " ", e.driver_info.empty() ? "" : ("[" + e.driver_info + "]").c_str(),
               e.vulkan_version.c_str());
  std::fprintf(out, "%s, host %s, CPU %s (%d threads)\n", e.date_utc.c_str(), e.host.c_str(), e.cpu.c_str(),
               e.cpu_threads);
  std::fprintf(out, "command: %s\n", e.command_line.c_str());
  std::string layers = std::to_string(r.model_nodes) + " layers";
  if (r.layers_run > 0) layers += ", " + std::to_string(r.layers_run) + " run";
  std::fprintf(out, "model %s (%s), %s; frame %dx%d RGBA8 from %s; %d frames in flight; %d iterations after %d warm-up\n",
               r.model_path.c_str(), layers.c_str(), r.precision.c_str(), r.frame_width, r.frame_height,
               r.frame_source.c_str(), r.in_flight, r.iterations, r.warmup);
  if (e.validation)
    std::fprintf(out, "NOTE: the Vulkan validation layer is on (VKPOSE_VALIDATION): every time includes its overhead\n");
  if (!e.timestamps) std::fprintf(out, "NOTE: this queue has no timestamp queries: no GPU times\n");
}

void printTimes(const BenchResults& r, std::FILE* out) {
  std::fprintf(out,
               "\nTime per frame, ms. GPU: timestamps from the frame's first command (reading its staging upload) to the\n"
               "pose written to host-visible memory, median (and p99) over the iterations; prep/net/decode are its parts.\n"
               "per-layer: the same with a timestamp after every layer (adds overhead). latency: host clock from\n"
               "handing over the frame (estimate()) to the keypoints in host memory. frames/s: %d frames in flight.\n",
               r.in_flight);
  std::fprintf(out, "%5s %7s %9s %9s %8s %8s %8s %9s %9s %9s %9s %9s\n", "size", "heatmap", "GPU", "GPU p99", "prep",
               "net", "decode", "per-layer", "latency", "lat p99", "frames/s", "score");
  for (const SizeResult& s : r.sizes) {
    auto g = [&](auto field) { return s.gpu ? field(*s.gpu) : kNone; };
    double per_layer = s.per_layer ? s.per_layer->total.median : kNone;
    std::fprintf(out, "%5d %7s %s %s %s %s %s %s %9.3f %9.3f %9.2f %6.3f/%-2d\n", s.size,
                 format("%dx%d", s.heatmap_side, s.heatmap_side).c_str(),
                 ms(g([](const GpuTimes& t) { return t.total.median; })).c_str(),
                 ms(g([](const GpuTimes& t) { return t.total.p99; })).c_str(),
                 ms(g([](const GpuTimes& t) { return t.preprocess_ms; }), 8).c_str(),
                 ms(g([](const GpuTimes& t) { return t.network_ms; }), 8).c_str(),
                 ms(g([](const GpuTimes& t) { return t.decode_ms; }), 8).c_str(), ms(per_layer).c_str(),
                 s.latency.median, s.latency.p99, s.throughput_fps, double(s.pose_score), s.confident_keypoints);
  }
  std::fprintf(out, "(score: pose score of the last frame / keypoints scoring >= 0.5)\n");
  const std::string label = r.sizes.empty() || !r.sizes.front().gpu ? "" : r.sizes.front().gpu->preprocess_label;
  if (size_t plus = label.find('+'); plus != std::string::npos)
    std::fprintf(out, "(prep includes the network's first layer, %s: it runs inside preprocessing)\n",
                 label.substr(plus + 1).c_str());
}

// A latency run beside the host-frame one: its GPU time, latency and the
// host's own overhead, and in the last column how much the host-frame
// latency exceeds it.
void printLatencyHeader(std::FILE* out, const char* heading, const char* last_column) {
  std::fprintf(out, "%s", heading);
  std::fprintf(out, "%5s %9s %9s %9s %14s %16s\n", "size", "GPU", "latency", "lat p99", "latency - GPU", last_column);
}

void printLatencyRow(std::FILE* out, const SizeResult& s, const Summary& l, const std::optional<GpuTimes>& g) {
  double gpu = g ? g->total.median : kNone;
  double over = g ? l.median - gpu : kNone;
  std::fprintf(out, "%5d %s %9.3f %9.3f %s %s\n", s.size, ms(gpu).c_str(), l.median, l.p99, ms(over, 14).c_str(),
               ms(s.latency.median - l.median, 16).c_str());
}

void printLatencyVariant(const BenchResults& r, std::FILE* out, const char* heading, const char* last_column,
                         Summary SizeResult::*latency, std::optional<GpuTimes> SizeResult::*gpu_times) {
  printLatencyHeader(out, heading, last_column);
  for (const SizeResult& s : r.sizes) printLatencyRow(out, s, s.*latency, s.*gpu_times);
}

// The embedding path (GpuFrame): what the host's staging copy costs.
void printGpuFrame(const BenchResults& r, std::FILE* out) {
  printLatencyVariant(
      r, out,
      "\nThe same frame already on the GPU (GpuFrame over a device-local buffer, as a host engine's texture):\n"
      "no copy into staging. latency - GPU is the host's own overhead (submit, fence wait, readback).\n",
      "host-frame extra", &SizeResult::latency_gpu_frame, &SizeResult::gpu_gpu_frame);
}

// Zero-copy host frames (acquireFrame): the same frame written in place.
void printInPlace(const BenchResults& r, std::FILE* out) {
  printLatencyVariant(
      r, out,
      "\nThe same frame written in place (acquireFrame: written into the staging buffer before the clock\n"
      "starts, as a decoder would): no copy at submit. copy saved = host-frame latency - this latency.\n",
      "copy saved", &SizeResult::latency_in_place, &SizeResult::gpu_in_place);
}

// Zero-copy host frames in the caller's registered memory (registerHostMemory).
void printRegistered(const BenchResults& r, std::FILE* out) {
  for (const SizeResult& s : r.sizes)
    if (!s.latency_registered) {
      std::fprintf(out, "\nFrames in registered host memory: not measured, the device cannot import it (%s).\n",
                   s.registration_refused.c_str());
      return;
    }
  printLatencyHeader(out,
                     "\nThe same frame in the caller's registered memory (registerHostMemory: the GPU reads it there\n"
                     "over the bus): no copy at submit. copy saved = host-frame latency - this latency.\n",
                     "copy saved");
  for (const SizeResult& s : r.sizes) printLatencyRow(out, s, *s.latency_registered, s.gpu_registered);
}

void printMemory(const BenchResults& r, std::FILE* out) {
  std::fprintf(out,
               "\nDevice memory, MiB (%d frame slots: activations, staging and readback are per slot; weights are\n"
               "shared and include the decode scratch and alignment), and bytes read back per frame (sizeof(PoseGpu)).\n",
               r.in_flight);
  std::fprintf(out, "%5s %9s %12s %9s %9s %9s %15s %12s\n", "size", "weights", "activations", "staging", "readback",
               "total", "VkDeviceMemory", "read/frame");
  for (const SizeResult& s : r.sizes) {
    const MemoryFigures& m = s.memory;
    std::fprintf(out, "%5d %9.2f %12.2f %9.2f %9.4f %9.2f %15.2f %10llu B\n", s.size, mib(m.weights),
                 mib(m.activations), mib(m.staging), mib(m.readback), mib(m.total), mib(m.device_memory),
                 static_cast<unsigned long long>(s.readback_bytes_per_frame));
  }
}

void printLayers(const BenchResults& r, std::FILE* out) {
  const SizeResult* first = nullptr;
  for (const SizeResult& s : r.sizes)
    if (s.per_layer && !s.per_layer->layers.empty()) {
      first = &s;
      break;
    }
  if (!first) return;
  std::fprintf(out, "\nGPU time per layer, ms (median, GpuTimingMode::PerLayer run)\n%3s %-44s", "#", "layer");
  for (const SizeResult& s : r.sizes) std::fprintf(out, " %9d", s.size);
  std::fprintf(out, "\n");
  for (size_t l = 0; l < first->per_layer->layers.size(); ++l) {
    std::fprintf(out, "%3zu %-44s", l, shortName(first->per_layer->layers[l].name, 44).c_str());
    for (const SizeResult& s : r.sizes) {
      bool has = s.per_layer && l < s.per_layer->layers.size();
      std::fprintf(out, " %s", ms(has ? s.per_layer->layers[l].median_ms : kNone).c_str());
    }
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "%3s %-44s", "", "network in the per-layer run");
  for (const SizeResult& s : r.sizes)
    std::fprintf(out, " %s", ms(s.per_layer ? s.per_layer->network_ms : kNone).c_str());
  std::fprintf(out, "\n%3s %-44s", "", "network in the Total run (one timestamp)");
  for (const SizeResult& s : r.sizes)
    std::fprintf(out, " %s", ms(s.gpu ? s.gpu->network_ms : kNone).c_str());
  std::fprintf(out, "\n");
}

void printColdStart(const BenchResults& r, std::FILE* out) {
  if (!r.cold_start) return;
  const ColdStart& c = *r.cold_start;
  std::fprintf(out,
               "\nCold start at %d: process start (spawn) to the first keypoints in host memory, a fresh process each,\n"
               "driver shader caches %s; in brackets the child's Estimator constructor and first estimate()\n",
               c.size, c.driver_shader_cache ? "on (--driver-shader-cache)" : "off");
  auto line = [&](const char* what, const ColdStartRun& run) {
    if (!run.ok) {
      std::fprintf(out, "  %-22s failed: %s\n", what, run.error.c_str());
      return;
    }
    std::fprintf(out, "  %-22s %9.1f ms  (Estimator %.1f ms, first frame %.1f ms; pipeline cache file %llu bytes after)\n",
                 what, run.spawn_to_keypoints_ms, run.child_estimator_ms, run.child_first_frame_ms,
                 static_cast<unsigned long long>(run.cache_bytes_after));
    const ContextCreationTimes& t = run.child_context;
    std::fprintf(out, "  %-22s of the Estimator: loader %.1f, instance %.1f, devices %.1f, device %.1f, services %.1f ms\n", "",
                 t.loader, t.instance, t.physical_device, t.device, t.services);
    const EstimatorCreationTimes& e = run.child_estimator_parts;
    std::fprintf(out, "  %-22s model %.1f, first frame slot %.1f, other slots %.1f ms; %d pipelines in %.1f ms;\n",
                 "", e.model, e.first_slot, e.other_slots, run.child_pipelines, run.child_pipelines_ms);
    std::fprintf(out, "  %-22s before the Estimator, the child made its frame (decoded the photo) in %.1f ms\n", "",
                 run.child_frame_source_ms);
  };
  line("no pipeline cache:", c.no_cache);
  line("warm pipeline cache:", c.warm_cache);
}

void printOnnxruntime(const BenchResults& r, std::FILE* out) {
  if (!r.onnxruntime) return;
  const OnnxruntimeRun& o = *r.onnxruntime;
  if (!o.ran) {
    std::fprintf(out, "\nonnxruntime comparison skipped: %s\n", o.skipped.c_str());
    return;
  }
  std::fprintf(out,
               "\nonnxruntime-node %s on the CPU (%d threads, %s): session.run = the network only, no preprocessing\n"
               "or decoding. Ratios are vkpose / onnxruntime (below 1: vkpose is faster).\n",
               o.version.c_str(), o.threads, o.model.c_str());
  std::fprintf(out, "%5s %12s %10s %10s %10s %10s %12s %12s\n", "size", "ort ms", "vk GPU", "vk net", "vk latency",
               "GPU/ort", "network/ort", "latency/ort");
  for (const SizeResult& s : r.sizes) {
    if (!s.onnxruntime) {
      std::fprintf(out, "%5d %12s\n", s.size, "failed");
      continue;
    }
    double ort = s.onnxruntime->run.median;
    double gpu = s.gpu ? s.gpu->total.median : kNone;
    double net = s.gpu ? s.gpu->network_ms : kNone;
    auto ratio = [&](double v) { return ort > 0 ? v / ort : kNone; };
    std::fprintf(out, "%5d %12.3f %s %s %10.3f %s %s %s\n", s.size, ort, ms(gpu, 10).c_str(), ms(net, 10).c_str(),
                 s.latency.median, ms(ratio(gpu), 10).c_str(), ms(ratio(net), 12).c_str(),
                 ms(ratio(s.latency.median), 12).c_str());
  }
}

}  // namespace

void printTable(const BenchResults& results, std::FILE* out) {
  printHeader(results, out);
  printTimes(results, out);
  printGpuFrame(results, out);
  printInPlace(results, out);
  printRegistered(results, out);
  printMemory(results, out);
  printLayers(results, out);
  printColdStart(results, out);
  printOnnxruntime(results, out);
  std::fflush(out);
}

}  // namespace vkpose::bench
