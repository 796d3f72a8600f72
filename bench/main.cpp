// vkpose-bench: the Estimator's speed, memory and start-up at each input size
// (docs/benchmarks.md). Exit status: 0 done, 1 a runtime error (the message
// says why), 2 bad command line, 3 the validation layer reported something.
#include <chrono>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/cold_start.h"
#include "bench/environment.h"
#include "bench/frame_source.h"
#include "bench/measure.h"
#include "bench/onnxruntime.h"
#include "bench/options.h"
#include "bench/precision_choice.h"
#include "bench/process.h"
#include "bench/report.h"
#include "runtime/ops/decode.h"

namespace vkpose::bench {
namespace {

constexpr int kExitValidation = 3;
static_assert(sizeof(PoseGpu) <= 1024, "issue 6: at most 1 KB read back per frame");

std::string defaultModelPath() {
  std::string exe = executableDir();
  std::vector<std::string> candidates = {exe + "/posenet.vkpose", exe + "/../../models/posenet.vkpose",
                                         std::string(VKPOSE_BENCH_SOURCE_DIR) + "/build/models/posenet.vkpose"};
  if (std::optional<std::string> found = firstExisting(candidates)) return *found;
  std::string message = "no model given and none found; looked in:";
  for (const std::string& c : candidates) message += "\n  " + c;
  throw std::runtime_error(message +
                           "\nconvert one first (vkpose-convert models/posenet-mobilenet-v1-075.onnx -o "
                           "build/models/posenet.vkpose) or pass --model M.vkpose");
}

int run(BenchOptions options, const std::vector<std::string>& argv) {
  if (options.model.empty()) options.model = defaultModelPath();
  Progress progress;
  BenchFrame frame = makeBenchFrame(options.image, options.frame_width, options.frame_height);
  if (frame.synthetic) progress.note("frame: " + frame.source);

  // Every size is checked before anything is measured, with the runtime's
  // message (it names the nearest valid sizes).
  Model model = loadModel(options.model);
  for (int size : options.sizes) checkSize(size, model);
  int cold_size = coldStartSize(options);
  if (cold_size != 0) checkSize(cold_size, model);

  MeasureSettings settings{options.model, estimatorPrecision(options.fp16),
                           options.in_flight, options.iterations, options.warmup, options.per_layer,
                           options.fence_spin_us, options.copy_threads};
  Measurer measurer(settings, frame, options.sizes.front(), progress);
  BenchResults r;
  r.env = describeEnvironment(measurer.estimator().context(), argv);
  r.model_path = options.model;
  r.model_nodes = int(model.nodes.size());
  r.precision = precisionLabel(measurer.estimator().precision(), !options.fp16);
  r.frame_width = frame.width;
  r.frame_height = frame.height;
  r.frame_source = frame.source;
  r.in_flight = options.in_flight;
  r.iterations = options.iterations;
  r.warmup = options.warmup;
  if (r.env.validation) progress.note("the Vulkan validation layer is on: every time includes its overhead");

  for (size_t i = 0; i < options.sizes.size(); ++i) {
    int size = options.sizes[i];
    r.sizes.push_back(measurer.measure(
        size, "size " + std::to_string(size) + " (" + std::to_string(i + 1) + "/" + std::to_string(options.sizes.size()) + ")"));
  }
  if (r.sizes.front().per_layer) r.layers_run = int(r.sizes.front().per_layer->layers.size());
  if (cold_size != 0) r.cold_start = measureColdStart(options, options.model, cold_size, progress);
  if (options.compare_onnxruntime) {
    r.onnxruntime = runOnnxruntime(options, r.sizes, progress);
    if (!r.onnxruntime->ran) progress.note("onnxruntime comparison skipped: " + r.onnxruntime->skipped);
  }

  printTable(r, stdout);
  if (!options.json_path.empty()) writeJson(options.json_path, r);
  if (!options.plot_path.empty()) writePlot(options.plot_path, r);

  if (size_t n = measurer.validationMessages()) {
    std::fprintf(stderr, "vkpose-bench: the validation layer reported %zu message(s) (above)\n", n);
    return kExitValidation;
  }
  if (r.cold_start && (!r.cold_start->no_cache.ok || !r.cold_start->warm_cache.ok)) {
    const ColdStartRun& bad = r.cold_start->no_cache.ok ? r.cold_start->warm_cache : r.cold_start->no_cache;
    std::fprintf(stderr, "vkpose-bench: cold start failed: %s\n", bad.error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace vkpose::bench

int main(int argc, char** argv) {
  using namespace vkpose::bench;
  auto main_start = std::chrono::steady_clock::now();
  std::vector<std::string> args(argv + 1, argv + argc);
  BenchOptions options;
  try {
    options = parseBenchOptions(args);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "vkpose-bench: %s\n%s", e.what(), benchUsage());
    return 2;
  }
  if (options.help) {
    std::fputs(benchUsage(), stdout);
    return 0;
  }
  try {
    if (options.cold_start_child) return runColdStartChild(options, main_start);
    return run(options, std::vector<std::string>(argv, argv + argc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose-bench: %s\n", e.what());
    return 1;
  }
}
