// vkpose-sync-probe: what ordering one dispatch after another costs on the
// device (docs/benchmarks.md). PoseNet is about 30 layers in a chain, and
// each layer must see all of the previous one's output. On an H200 the
// network runs in 0.083 ms at 257 without barriers (wrong results) and
// 0.177 ms with them, so the ordering, not the arithmetic, is the larger
// term. This probe times P phases of trivial work, each reading what other
// workgroups wrote in the phase before, ordered four ways:
//   barriers      P dispatches with a pipeline barrier between each;
//   unordered     P dispatches without (the dispatch's own cost; wrong results);
//   grid barrier  one dispatch whose workgroups meet at an atomic counter
//                 between phases (needs every workgroup resident at once,
//                 which Vulkan does not promise);
//   one dispatch  one dispatch, phases unordered (the work alone).
// Each run checks the result and reports wrong elements and abandoned waits.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bench/stats.h"
#include "engine/context.h"
#include "engine/error.h"
#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "engine/timestamps.h"
#include "engine/transfer.h"
#include "tools/cli_args.h"

namespace vkpose::bench {
namespace {

struct ProbePush {
  uint32_t first_phase;
  uint32_t phases;
  uint32_t grid_barrier;
  uint32_t spin_limit;
};
VKPOSE_PUSH_CONSTANTS(ProbePush);

struct ProbeOptions {
  std::vector<uint32_t> workgroups{132, 264, 528, 1056};
  uint32_t local_size = 256;
  uint32_t phases = 32;
  int repeats = 50;
  // Below llvmpipe's cap on loop iterations (65535, after which it leaves a
  // loop silently), so a wait that cannot succeed there is counted; an H200
  // waits well under a thousand spins.
  uint32_t spin_limit = 1u << 15;
  bool help = false;
};

enum class Ordering { Barriers, Unordered, GridBarrier, OneDispatch };
const char* nameOf(Ordering o) {
  switch (o) {
    case Ordering::Barriers: return "barriers";
    case Ordering::Unordered: return "unordered";
    case Ordering::GridBarrier: return "grid barrier";
    case Ordering::OneDispatch: return "one dispatch";
  }
  return "?";
}

struct ProbeResult {
  Summary gpu_us;
  uint64_t wrong_elements = 0;
  uint32_t abandoned_waits = 0;
};

class Probe {
 public:
  Probe(Context& ctx, const ProbeOptions& o)
      : ctx_(ctx), o_(o), pipeline_(ctx, desc(o)), arena_(ctx), timestamps_(ctx, 2) {}

  ProbeResult run(Ordering ordering, uint32_t workgroups) {
    uint32_t n = workgroups * o_.local_size;
    Buffer data = ctx_.allocator().createBuffer(uint64_t(n) * 2 * 4, MemoryUsage::DeviceLocal);
    Buffer arrivals = ctx_.allocator().createBuffer(2 * 4, MemoryUsage::DeviceLocal);
    BufferBinding bindings[] = {bind(data), bind(arrivals)};
    VkDescriptorSet set = arena_.allocate(pipeline_, bindings);
    ProbeResult result;
    std::vector<double> samples;
    record(ordering, workgroups, data, arrivals, set);  // warm-up: the first run pays for first use
    for (int r = 0; r < o_.repeats; ++r) {
      record(ordering, workgroups, data, arrivals, set);
      samples.push_back(timestamps_.totalMs() * 1000.0);
      if (r + 1 == o_.repeats) check(data, arrivals, n, result);
    }
    result.gpu_us = summarise(samples);
    return result;
  }

 private:
  static PipelineDesc desc(const ProbeOptions& o) {
    return PipelineDesc{"sync_probe", 2, sizeof(ProbePush), {o.local_size, 1, 1}, {}};
  }

  void record(Ordering ordering, uint32_t workgroups, const Buffer& data, const Buffer& arrivals, VkDescriptorSet set) {
    CommandRecorder rec(ctx_);
    rec.begin();
    rec.resetTimestamps(timestamps_);
    rec.fill(data, 0);
    rec.fill(arrivals, 0);
    rec.barrier(Stage::Transfer, Stage::Compute, "zeroed data and counters before the first phase");
    rec.timestamp(timestamps_, "start");
    if (ordering == Ordering::Barriers || ordering == Ordering::Unordered) {
      for (uint32_t k = 0; k < o_.phases; ++k) {
        if (k > 0 && ordering == Ordering::Barriers) rec.barrier(Stage::Compute, Stage::Compute, "phase k reads k-1");
        rec.dispatch(pipeline_, set, ProbePush{k, 1, 0, o_.spin_limit}, {workgroups, 1, 1});
      }
    } else {
      uint32_t grid = ordering == Ordering::GridBarrier ? 1 : 0;
      rec.dispatch(pipeline_, set, ProbePush{0, o_.phases, grid, o_.spin_limit}, {workgroups, 1, 1});
    }
    rec.timestamp(timestamps_, "phases");
    rec.end();
    rec.submitAndWait();
  }

  void check(const Buffer& data, const Buffer& arrivals, uint32_t n, ProbeResult& result) {
    std::vector<uint32_t> values(size_t(n) * 2);
    downloadFromBuffer(ctx_, data, values.data(), values.size() * 4);
    uint32_t last = o_.phases & 1u;
    for (uint32_t i = 0; i < n; ++i)
      if (values[size_t(last) * n + i] != o_.phases) ++result.wrong_elements;
    uint32_t counters[2];
    downloadFromBuffer(ctx_, arrivals, counters, sizeof counters);
    result.abandoned_waits = counters[1];
  }

  Context& ctx_;
  const ProbeOptions& o_;
  Pipeline pipeline_;
  DescriptorArena arena_;
  TimestampQueries timestamps_;
};

std::vector<uint32_t> parseList(const std::string& flag, const std::string& text) {
  std::vector<uint32_t> values;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    auto v = cli_args::parseNumber<uint32_t>(flag, text.substr(start, comma - start));
    if (v == 0 || v > 65535) throw std::invalid_argument(flag + " values must lie in 1..65535, got " + std::to_string(v));
    values.push_back(v);
    start = comma + 1;
  }
  return values;
}

uint32_t parseIn(const std::string& flag, const std::string& text, uint32_t lo, uint32_t hi) {
  auto v = cli_args::parseNumber<uint32_t>(flag, text);
  if (v < lo || v > hi)
    throw std::invalid_argument(flag + " must lie in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + text);
  return v;
}

ProbeOptions parseOptions(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ProbeOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--workgroups") o.workgroups = parseList(a, cli_args::valueAfter(args, i));
    else if (a == "--phases") o.phases = parseIn(a, cli_args::valueAfter(args, i), 2, 1024);
    else if (a == "--local-size") o.local_size = parseIn(a, cli_args::valueAfter(args, i), 32, 1024);
    else if (a == "--repeats") o.repeats = int(parseIn(a, cli_args::valueAfter(args, i), 1, 10000));
    else if (a == "-h" || a == "--help") o.help = true;
    else throw std::invalid_argument("unknown argument '" + a + "'");
  }
  if (o.local_size % 32 != 0) throw std::invalid_argument("--local-size must be a multiple of 32 in 32..1024");
  return o;
}

void printHelp() {
  std::printf(
      "usage: vkpose-sync-probe [--workgroups 132,264,528,1056] [--local-size 256] [--phases 32] [--repeats 50]\n"
      "  Times --phases phases of trivial work, each reading what the previous one wrote, ordered by\n"
      "  pipeline barriers between dispatches, not at all, or by a grid barrier inside one dispatch.\n");
}

void printTable(Context& ctx, const ProbeOptions& o) {
  Probe probe(ctx, o);
  std::printf("%s", ctx.caps().describe().substr(0, ctx.caps().describe().find('\n', 120)).c_str());
  std::printf("\n%u phases of %u-invocation workgroups; GPU us per run, median of %d; per ordering = (run - one\n"
              "dispatch) / (phases - 1). wrong: elements not equal to the phase count; gave up: abandoned waits.\n",
              o.phases, o.local_size, o.repeats);
  std::printf("%12s %14s %10s %10s %14s %8s %8s\n", "workgroups", "ordering", "GPU us", "p99", "per ordering", "wrong",
              "gave up");
  for (uint32_t wg : o.workgroups) {
    ProbeResult floor = probe.run(Ordering::OneDispatch, wg);
    for (Ordering ordering : {Ordering::OneDispatch, Ordering::Unordered, Ordering::Barriers, Ordering::GridBarrier}) {
      ProbeResult r = ordering == Ordering::OneDispatch ? floor : probe.run(ordering, wg);
      double per = (r.gpu_us.median - floor.gpu_us.median) / double(o.phases - 1);
      std::printf("%12u %14s %10.2f %10.2f %14.3f %8llu %8u\n", wg, nameOf(ordering), r.gpu_us.median, r.gpu_us.p99,
                  per, static_cast<unsigned long long>(r.wrong_elements), r.abandoned_waits);
      std::fflush(stdout);
    }
  }
}

}  // namespace
}  // namespace vkpose::bench

int main(int argc, char** argv) {
  try {
    vkpose::bench::ProbeOptions o = vkpose::bench::parseOptions(argc, argv);
    if (o.help) {
      vkpose::bench::printHelp();
      return 0;
    }
    vkpose::ContextOptions context_options;
    context_options.pipeline_cache_path = "";
    auto ctx = vkpose::Context::create(context_options);
    if (!ctx->caps().timestamps) {
      std::fprintf(stderr, "vkpose-sync-probe: the device has no timestamp queries on its compute queue\n");
      return 1;
    }
    vkpose::bench::printTable(*ctx, o);
    return 0;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "vkpose-sync-probe: %s (try --help)\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose-sync-probe: %s\n", e.what());
    return 1;
  }
}
