// The JSON report: every number of the run, with where and how it was taken.
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bench/report.h"

namespace vkpose::bench {

namespace {

using nlohmann::json;

json summary(const Summary& s) {
  return {{"samples", s.samples}, {"median", s.median}, {"p99", s.p99},
          {"min", s.min},         {"max", s.max},       {"mean", s.mean}};
}

json environment(const Environment& e) {
  return {{"device", e.device},
          {"device_type", e.device_type},
          {"vendor_id", e.vendor_id},
          {"device_id", e.device_id},
          {"driver", e.driver_name},
          {"driver_info", e.driver_info},
          {"driver_version", e.driver_version},
          {"vulkan_version", e.vulkan_version},
          {"timestamps", e.timestamps},
          {"validation", e.validation},
          {"date_utc", e.date_utc},
          {"host", e.host},
          {"cpu", e.cpu},
          {"cpu_threads", e.cpu_threads},
          {"command_line", e.command_line},
          {"vkpose_version", e.vkpose_version}};
}

json sizeResult(const SizeResult& s) {
  json j = {{"size", s.size},
            {"heatmap_side", s.heatmap_side},
            {"latency_ms", summary(s.latency)},
            {"throughput", {{"frames_per_second", s.throughput_fps},
                            {"frames", s.throughput_frames},
                            {"seconds", s.throughput_seconds}}},
            {"memory_bytes", {{"weights", s.memory.weights},
                              {"activations", s.memory.activations},
                              {"staging", s.memory.staging},
                              {"readback", s.memory.readback},
                              {"total", s.memory.total},
                              {"device_memory", s.memory.device_memory},
                              {"frame_slots", s.memory.frames_in_flight}}},
            {"readback_bytes_per_frame", s.readback_bytes_per_frame},
            {"pose_score", s.pose_score},
            {"confident_keypoints", s.confident_keypoints}};
  j["gpu_frame"] = {{"latency_ms", summary(s.latency_gpu_frame)},
                    {"gpu_ms", s.gpu_gpu_frame ? summary(s.gpu_gpu_frame->total) : json(nullptr)}};
  j["in_place_frame"] = {{"latency_ms", summary(s.latency_in_place)},
                         {"gpu_ms", s.gpu_in_place ? summary(s.gpu_in_place->total) : json(nullptr)}};
  if (s.latency_registered)
    j["registered_frame"] = {{"latency_ms", summary(*s.latency_registered)},
                             {"gpu_ms", s.gpu_registered ? summary(s.gpu_registered->total) : json(nullptr)}};
  else
    j["registered_frame"] = {{"refused", s.registration_refused}};
  j["gpu_ms"] = s.gpu ? json{{"total", summary(s.gpu->total)},
                             {"preprocess", s.gpu->preprocess_ms},
                             {"preprocess_covers", s.gpu->preprocess_label},
                             {"network", s.gpu->network_ms},
                             {"decode", s.gpu->decode_ms}}
                      : json(nullptr);
  if (s.per_layer) {
    json layers = json::array();
    for (size_t i = 0; i < s.per_layer->layers.size(); ++i)
      layers.push_back({{"index", i}, {"name", s.per_layer->layers[i].name}, {"median_ms", s.per_layer->layers[i].median_ms}});
    j["per_layer_gpu_ms"] = {{"total", summary(s.per_layer->total)}, {"network", s.per_layer->network_ms},
                             {"layers", layers}};
  } else {
    j["per_layer_gpu_ms"] = nullptr;
  }
  if (s.onnxruntime) {
    json o = {{"run_ms", summary(s.onnxruntime->run)}};
    double ort = s.onnxruntime->run.median;
    o["ratio_gpu_to_onnxruntime"] = s.gpu && ort > 0 ? json(s.gpu->total.median / ort) : json(nullptr);
    o["ratio_network_to_onnxruntime"] = s.gpu && ort > 0 ? json(s.gpu->network_ms / ort) : json(nullptr);
    o["ratio_latency_to_onnxruntime"] = ort > 0 ? json(s.latency.median / ort) : json(nullptr);
    j["onnxruntime"] = o;
  }
  return j;
}

json coldStartRun(const ColdStartRun& r) {
  json j = {{"ok", r.ok},
            {"spawn_to_keypoints_ms", r.spawn_to_keypoints_ms},
            {"child_main_to_keypoints_ms", r.child_main_to_keypoints_ms},
            {"child_estimator_ms", r.child_estimator_ms},
            {"child_first_frame_ms", r.child_first_frame_ms},
            {"child_context_ms",
             {{"loader", r.child_context.loader},
              {"instance", r.child_context.instance},
              {"physical_device", r.child_context.physical_device},
              {"device", r.child_context.device},
              {"services", r.child_context.services}}},
            {"child_estimator_parts_ms",
             {{"model", r.child_estimator_parts.model},
              {"first_slot", r.child_estimator_parts.first_slot},
              {"other_slots", r.child_estimator_parts.other_slots}}},
            {"child_frame_source_ms", r.child_frame_source_ms},
            {"child_pipelines", r.child_pipelines},
            {"child_pipelines_ms", r.child_pipelines_ms},
            {"pipeline_cache_bytes_after", r.cache_bytes_after}};
  if (!r.ok) j["error"] = r.error;
  return j;
}

}  // namespace

std::string reportJson(const BenchResults& r) {
  json j;
  j["tool"] = "vkpose-bench";
  j["environment"] = environment(r.env);
  j["settings"] = {{"model", r.model_path},
                   {"model_layers", r.model_nodes},
                   {"layers_run", r.layers_run},
                   {"precision", r.precision},
                   {"frame", {{"width", r.frame_width}, {"height", r.frame_height}, {"format", "RGBA8"},
                              {"source", r.frame_source}}},
                   {"frames_in_flight", r.in_flight},
                   {"iterations", r.iterations},
                   {"warmup", r.warmup}};
  j["definitions"] = {
      {"gpu_ms", "GpuTimingMode::Total timestamps: from the frame's first command (its staging read) to the pose "
                 "written to host-visible memory; preprocess + network + decode"},
      {"per_layer_gpu_ms", "a separate Estimator with GpuTimingMode::PerLayer: one timestamp after every layer, "
                           "which adds overhead of its own"},
      {"latency_ms", "host steady_clock around Estimator::estimate(): frame handed over (copied and submitted) to "
                     "keypoints in host memory"},
      {"gpu_frame", "latency_ms and gpu_ms as above with the frame already in a device-local buffer (GpuFrame): "
                    "no copy into staging"},
      {"in_place_frame", "latency_ms and gpu_ms as above with the frame written into the staging buffer "
                         "(Estimator::acquireFrame, then a memcpy from the source frame) before the clock starts: "
                         "the timed estimate() copies nothing"},
      {"registered_frame", "latency_ms and gpu_ms as above with the frame in the caller's memory registered with "
                           "Estimator::registerHostMemory: the GPU reads it in place, nothing is copied; or, where "
                           "the device cannot import host memory, refused: the reason"},
      {"throughput", "frames_in_flight frames kept in flight, the oldest collected when every slot is held"},
      {"memory_bytes", "Estimator::memory() after the throughput run: activations, staging and readback per frame "
                       "slot; weights = the rest of what the allocator handed out (weights, biases, decode scratch, "
                       "alignment)"},
      {"cold_start", "parent's steady_clock from posix_spawn of a child vkpose-bench to its keypoints line; "
                     "VKPOSE_PIPELINE_CACHE a fresh file, driver shader caches off"}};
  json sizes = json::array();
  for (const SizeResult& s : r.sizes) sizes.push_back(sizeResult(s));
  j["sizes"] = sizes;
  if (r.cold_start)
    j["cold_start"] = {{"size", r.cold_start->size},
                       {"driver_shader_cache", r.cold_start->driver_shader_cache},
                       {"no_cache", coldStartRun(r.cold_start->no_cache)},
                       {"warm_cache", coldStartRun(r.cold_start->warm_cache)}};
  else
    j["cold_start"] = nullptr;
  if (r.onnxruntime) {
    const OnnxruntimeRun& o = *r.onnxruntime;
    j["onnxruntime"] = {{"ran", o.ran}, {"note", o.note}};
    if (o.ran) {
      j["onnxruntime"]["version"] = o.version;
      j["onnxruntime"]["model"] = o.model;
      j["onnxruntime"]["threads"] = o.threads;
    } else {
      j["onnxruntime"]["skipped"] = o.skipped;
    }
  } else {
    j["onnxruntime"] = nullptr;
  }
  return j.dump(2) + "\n";
}

void writeJson(const std::string& path, const BenchResults& results) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << reportJson(results);
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace vkpose::bench
