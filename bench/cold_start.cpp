#include "bench/cold_start.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "bench/frame_source.h"
#include "bench/precision_choice.h"
#include "bench/process.h"
#include "engine/pipeline_cache.h"
#include "runtime/estimator.h"

namespace vkpose::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kChildTimeoutMs = 10 * 60 * 1000;

double msBetween(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

// "key=value" from the child's keypoints line.
double field(const std::string& line, const std::string& key) {
  size_t at = line.find(" " + key + "=");
  if (at == std::string::npos) return 0;
  return std::strtod(line.c_str() + at + key.size() + 2, nullptr);
}

ColdStartRun runChild(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                      const std::string& cache_path) {
  ColdStartRun run;
  Clock::time_point start = Clock::now();
  Child child(argv, env);
  std::optional<std::string> line;
  while ((line = child.readLine(kChildTimeoutMs)) && line->rfind(kChildKeypointsLine, 0) != 0) {
  }
  Clock::time_point done = Clock::now();
  if (!line && !child.outputClosed()) {
    run.error = "no keypoints from the child within " + std::to_string(kChildTimeoutMs / 60000) + " minutes";
    return run;  // ~Child kills it
  }
  child.readAll();
  std::string how;
  int status = child.wait(&how);
  if (!line) {
    run.error = "the child printed no keypoints (" + how + "; its message is above)";
    return run;
  }
  run.spawn_to_keypoints_ms = msBetween(start, done);
  run.child_main_to_keypoints_ms = field(*line, "main_to_keypoints_ms");
  run.child_estimator_ms = field(*line, "estimator_ms");
  run.child_first_frame_ms = field(*line, "first_frame_ms");
  run.child_context = {field(*line, "loader_ms"), field(*line, "instance_ms"), field(*line, "physical_device_ms"),
                       field(*line, "device_ms"), field(*line, "services_ms")};
  run.child_estimator_parts.model = field(*line, "model_ms");
  run.child_estimator_parts.first_slot = field(*line, "first_slot_ms");
  run.child_estimator_parts.other_slots = field(*line, "other_slots_ms");
  run.child_frame_source_ms = field(*line, "frame_source_ms");
  run.child_pipelines = int(field(*line, "pipelines"));
  run.child_pipelines_ms = field(*line, "pipelines_ms");
  std::error_code ec;
  uint64_t bytes = std::filesystem::file_size(cache_path, ec);
  run.cache_bytes_after = ec ? 0 : bytes;
  if (status != 0) {
    run.error = "the child failed after its keypoints (" + how + ")";
    return run;
  }
  run.ok = true;
  return run;
}

}  // namespace

ColdStart measureColdStart(const BenchOptions& options, const std::string& model_path, int size, Progress& progress) {
  ColdStart result;
  result.size = size;
  std::string exe = executablePath();
  if (exe.empty()) {
    result.no_cache.error = result.warm_cache.error = "cannot find this executable (/proc/self/exe)";
    return result;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/vkpose-bench-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    result.no_cache.error = result.warm_cache.error = "cannot create a temporary folder " + pattern;
    return result;
  }
  std::string cache = pattern + "/pipeline-cache.bin";
  std::vector<std::string> argv = {exe, "--cold-start-child", "--model", model_path, "--sizes", std::to_string(size),
                                   "--frame", std::to_string(options.frame_width) + "x" + std::to_string(options.frame_height),
                                   "--precision", precisionArgument(options.fp16), "--in-flight",
                                   std::to_string(options.in_flight)};
  if (!options.image.empty()) argv.insert(argv.end(), {"--image", options.image});
  std::vector<std::pair<std::string, std::string>> overrides = {{"VKPOSE_PIPELINE_CACHE", cache}};
  if (!options.driver_shader_cache)
    overrides.insert(overrides.end(), {{"MESA_SHADER_CACHE_DISABLE", "true"}, {"__GL_SHADER_DISK_CACHE", "0"}});
  result.driver_shader_cache = options.driver_shader_cache;
  std::vector<std::string> env = environmentWith(overrides);
  progress.begin("cold start at " + std::to_string(size) + ": no pipeline cache");
  result.no_cache = runChild(argv, env, cache);
  progress.begin("cold start at " + std::to_string(size) + ": warm pipeline cache");
  result.warm_cache = runChild(argv, env, cache);
  progress.end();
  std::error_code ec;
  std::filesystem::remove_all(pattern, ec);
  return result;
}

int runColdStartChild(const BenchOptions& options, Clock::time_point main_start) {
  Clock::time_point frame_start = Clock::now();
  BenchFrame frame = makeBenchFrame(options.image, options.frame_width, options.frame_height);
  double frame_ms = msBetween(frame_start, Clock::now());
  EstimatorOptions o;
  o.model_path = options.model;
  o.input_size = options.sizes.at(0);
  o.precision = estimatorPrecision(options.fp16);
  o.frames_in_flight = options.in_flight;
  Clock::time_point before = Clock::now();
  Estimator estimator(o);
  Clock::time_point made = Clock::now();
  Pose pose = estimator.estimate(Frame::packed(frame.rgba.data(), frame.width, frame.height, PixelFormat::RGBA8));
  Clock::time_point done = Clock::now();
  const ContextCreationTimes& t = estimator.context().creationTimes();
  const EstimatorCreationTimes& e = estimator.creationTimes();
  std::printf(
      "%s score=%.4f main_to_keypoints_ms=%.3f estimator_ms=%.3f first_frame_ms=%.3f loader_ms=%.3f instance_ms=%.3f "
      "physical_device_ms=%.3f device_ms=%.3f services_ms=%.3f model_ms=%.3f first_slot_ms=%.3f "
      "other_slots_ms=%.3f frame_source_ms=%.3f pipelines=%u pipelines_ms=%.3f\n",
      kChildKeypointsLine, double(pose.score), msBetween(main_start, done), msBetween(before, made),
      msBetween(made, done), t.loader, t.instance, t.physical_device, t.device, t.services, e.model, e.first_slot,
      e.other_slots, frame_ms, estimator.context().pipelineCache().pipelinesCreated(),
      estimator.context().pipelineCache().creationMs());
  std::fflush(stdout);
  return estimator.context().validationLog().count() ? 3 : 0;
}

}  // namespace vkpose::bench
