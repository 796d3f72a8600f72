#include "bench/options.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "runtime/estimator.h"
#include "tools/cli_args.h"

namespace vkpose::bench {

namespace {

using cli_args::valueAfter;

int parseInt(const std::string& flag, const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument(flag + " expects a whole number, got '" + text + "'");
  return value;
}

int parseIntIn(const std::string& flag, const std::string& text, int lo, int hi) {
  int value = parseInt(flag, text);
  if (value < lo || value > hi)
    throw std::invalid_argument(flag + " must lie in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " +
                                text);
  return value;
}

// "161,257": whole numbers only; whether each is a valid input size for the
// model is the runtime's call (it names the nearest valid sizes).
std::vector<int> parseSizes(const std::string& text) {
  std::vector<int> sizes;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t comma = text.find(',', begin);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(begin, comma - begin);
    if (item.empty()) throw std::invalid_argument("--sizes expects comma-separated sizes like 161,257, got '" + text + "'");
    int size = parseInt("--sizes", item);
    if (std::find(sizes.begin(), sizes.end(), size) != sizes.end())
      throw std::invalid_argument("--sizes lists " + item + " twice");
    sizes.push_back(size);
    begin = comma + 1;
  }
  return sizes;
}

void parseFrame(const std::string& text, BenchOptions& o) {
  size_t x = text.find_first_of("xX");
  if (x == std::string::npos) throw std::invalid_argument("--frame expects WIDTHxHEIGHT like 1280x720, got '" + text + "'");
  std::string w = text.substr(0, x), h = text.substr(x + 1);
  int width = 0, height = 0;
  try {
    width = parseInt("--frame", w);
    height = parseInt("--frame", h);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("--frame expects WIDTHxHEIGHT like 1280x720, got '" + text + "'");
  }
  if (width < 1 || height < 1 || width > kEstimatorMaxFrameSide || height > kEstimatorMaxFrameSide)
    throw std::invalid_argument("--frame " + text + ": each side must lie in 1.." +
                                std::to_string(kEstimatorMaxFrameSide));
  o.frame_width = width;
  o.frame_height = height;
}

}  // namespace

BenchOptions parseBenchOptions(const std::vector<std::string>& args) {
  BenchOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--model") o.model = valueAfter(args, i);
    else if (a == "--sizes") o.sizes = parseSizes(valueAfter(args, i));
    else if (a == "--frame") parseFrame(valueAfter(args, i), o);
    else if (a == "--in-flight") o.in_flight = parseIntIn(a, valueAfter(args, i), 1, kMaxFramesInFlight);
    else if (a == "--fence-spin-us") o.fence_spin_us = parseIntIn(a, valueAfter(args, i), 0, kMaxFenceSpinUs);
    else if (a == "--copy-threads") o.copy_threads = parseIntIn(a, valueAfter(args, i), 1, kMaxCopyThreads);
    else if (a == "--precision") {
      const std::string& p = valueAfter(args, i);
      if (p == "fp32") o.fp16 = false;
      else if (p == "fp16") o.fp16 = true;
      else if (p == "auto") o.fp16.reset();
      else throw std::invalid_argument("--precision expects auto, fp32 or fp16, got '" + p + "'");
    }
    else if (a == "--iterations") o.iterations = parseIntIn(a, valueAfter(args, i), 1, 1000000);
    else if (a == "--warmup") o.warmup = parseIntIn(a, valueAfter(args, i), 0, 1000000);
    else if (a == "--no-per-layer") o.per_layer = false;
    else if (a == "--json") o.json_path = valueAfter(args, i);
    else if (a == "--plot") o.plot_path = valueAfter(args, i);
    else if (a == "--image") o.image = valueAfter(args, i);
    else if (a == "--cold-start-size") o.cold_start_size = parseIntIn(a, valueAfter(args, i), 0, kEstimatorMaxInputSize);
    else if (a == "--no-cold-start") o.cold_start_size = 0;
    else if (a == "--driver-shader-cache") o.driver_shader_cache = true;
    else if (a == "--compare-onnxruntime") o.compare_onnxruntime = true;
    else if (a == "--onnx-model") o.onnx_model = valueAfter(args, i);
    else if (a == "--node") o.node = valueAfter(args, i);
    else if (a == "--threads") o.threads = parseIntIn(a, valueAfter(args, i), 1, 1024);
    else if (a == "--cold-start-child") o.cold_start_child = true;
    else if (a == "-h" || a == "--help") o.help = true;
    else throw std::invalid_argument("unknown option '" + a + "'");
  }
  return o;
}

int coldStartSize(const BenchOptions& options) {
  if (options.cold_start_size >= 0) return options.cold_start_size;
  const std::vector<int>& s = options.sizes;
  if (std::find(s.begin(), s.end(), kDefaultColdStartSize) != s.end() || s.empty()) return kDefaultColdStartSize;
  return s.front();
}

const char* benchUsage() {
  return "usage: vkpose-bench [--model M.vkpose] [--sizes 161,257,385,513,641,801] [--frame 1280x720]\n"
         "                    [--in-flight 2] [--precision auto|fp32|fp16] [--iterations 100] [--warmup 3]\n"
         "                    [--json OUT.json] [--plot OUT.png] [--image PHOTO]\n"
         "                    [--cold-start-size 257 | --no-cold-start] [--driver-shader-cache]\n"
         "                    [--no-per-layer] [--fence-spin-us N] [--copy-threads 1]\n"
         "                    [--compare-onnxruntime [--onnx-model M.onnx] [--threads N] [--node PATH]]\n"
         "  Measures the Estimator at each input size on the default Vulkan device\n"
         "  (VKPOSE_DEVICE picks another); docs/benchmarks.md says what each number means.\n"
         "  --model        a .vkpose file (default: posenet.vkpose beside the binary, or build/models/)\n"
         "  --sizes        model input sizes, (N - 1) % 16 == 0, 129..1025\n"
         "  --frame        the RGBA8 frame handed over each time: tests/data/images/pose.jpg\n"
         "                 letterboxed into WxH (or --image; a synthetic pattern if none is found)\n"
         "  --in-flight    frames in flight for the throughput run (1..8)\n"
         "  --fence-spin-us  how long waits poll the fence before sleeping (0..100000;\n"
         "                 default: the Estimator's, 2000 on GPUs and 0 on CPU devices)\n"
         "  --copy-threads threads copying each host frame into staging (1..8)\n"
         "  --iterations   measured frames per size for each of GPU time and latency,\n"
         "                 per-layer GPU time and throughput\n"
         "  --warmup       frames run before each measurement and not counted\n"
         "  --json/--plot  write every number as JSON / a PNG of time against input size\n"
         "  --cold-start-size  the size whose cold start (process start to first keypoints,\n"
         "                 without and with the pipeline cache) is measured; default 257 if\n"
         "                 benchmarked, else the first size\n"
         "  --driver-shader-cache  leave the driver's own shader cache on in the cold-start\n"
         "                 children (off by default: then only vkpose's pipeline cache differs)\n"
         "  --compare-onnxruntime  also times onnxruntime-node (CPU) on the ONNX model at each\n"
         "                 size with bench/onnxruntime-bench.js and prints the ratios\n"
         "Exit status: 0 done, 1 a runtime error (message says why), 2 bad command line,\n"
         "3 the Vulkan validation layer reported something.\n";
}

}  // namespace vkpose::bench
