#include "bench/onnxruntime.h"

#include <nlohmann/json.hpp>

#include <exception>

#include "bench/process.h"

namespace vkpose::bench {

namespace {

std::vector<std::string> scriptCandidates() {
  std::string exe = executableDir();
  return {exe + "/onnxruntime-bench.js", std::string(VKPOSE_BENCH_SOURCE_DIR) + "/bench/onnxruntime-bench.js"};
}

std::vector<std::string> onnxModelCandidates() {
  std::string exe = executableDir();
  const char* name = "posenet-mobilenet-v1-075.onnx";
  return {exe + "/" + name, std::string("models/") + name, std::string(VKPOSE_BENCH_SOURCE_DIR) + "/models/" + name};
}

std::string joinSizes(const std::vector<SizeResult>& sizes) {
  std::string out;
  for (const SizeResult& s : sizes) out += (out.empty() ? "" : ",") + std::to_string(s.size);
  return out;
}

}  // namespace

OnnxruntimeRun runOnnxruntime(const BenchOptions& options, std::vector<SizeResult>& sizes, Progress& progress) {
  OnnxruntimeRun run;
  run.note = "onnxruntime-node, CPU execution provider: session.run only (the network), no preprocessing or decoding";
  std::optional<std::string> node = findOnPath(options.node.empty() ? "node" : options.node);
  if (!node) {
    run.skipped = options.node.empty() ? "node was not found on PATH (install Node.js >= 20 or pass --node PATH)"
                                       : "--node " + options.node + " is not an executable";
    return run;
  }
  std::optional<std::string> script = firstExisting(scriptCandidates());
  if (!script) {
    run.skipped = "bench/onnxruntime-bench.js was not found beside the executable or in the source tree";
    return run;
  }
  std::optional<std::string> model =
      options.onnx_model.empty() ? firstExisting(onnxModelCandidates()) : std::optional(options.onnx_model);
  if (!model) {
    run.skipped = "models/posenet-mobilenet-v1-075.onnx was not found (pass --onnx-model M.onnx)";
    return run;
  }
  std::vector<std::string> argv = {*node, *script, "--model", *model, "--sizes", joinSizes(sizes), "--iterations",
                                   std::to_string(options.iterations), "--warmup", std::to_string(options.warmup)};
  if (options.threads > 0) argv.insert(argv.end(), {"--threads", std::to_string(options.threads)});
  progress.begin("onnxruntime-node on " + *model);
  progress.end();
  std::string out, how;
  int status = -1;
  try {
    Child child(argv, environmentWith({}));
    out = child.readAll();
    status = child.wait(&how);
  } catch (const std::exception& e) {
    run.skipped = e.what();
    return run;
  }
  if (status != 0) {
    run.skipped = "bench/onnxruntime-bench.js failed (" + how + "; its message is above)";
    return run;
  }
  try {
    nlohmann::json j = nlohmann::json::parse(out);
    run.version = j.at("onnxruntime").get<std::string>();
    run.model = j.at("model").get<std::string>();
    run.threads = j.at("threads").at("intra_op").get<int>();
    for (const nlohmann::json& entry : j.at("sizes")) {
      int size = entry.at("size").get<int>();
      if (entry.contains("error")) continue;
      for (SizeResult& s : sizes)
        if (s.size == size) {
          Summary r;
          r.samples = entry.at("samples").get<int>();
          r.median = entry.at("median_ms").get<double>();
          r.p99 = entry.at("p99_ms").get<double>();
          r.min = entry.at("min_ms").get<double>();
          r.max = entry.at("max_ms").get<double>();
          r.mean = entry.at("mean_ms").get<double>();
          s.onnxruntime = OnnxruntimeTimes{r};
        }
    }
  } catch (const std::exception& e) {
    run.skipped = std::string("could not read bench/onnxruntime-bench.js's output: ") + e.what();
    return run;
  }
  run.ran = true;
  return run;
}

}  // namespace vkpose::bench
