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
//   one dispatch  one dispatch, phases unordered (the work alone);
//   2 x barriers, 2 x events  two independent chains side by side (below).
// Each run checks the result and reports wrong elements and abandoned waits.
#include <algorithm>
#include <array>
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

// The last two run two independent chains side by side, as a layer split in
// two channel halves would (a depthwise half needs only its own half of the
// pointwise layer before it): a barrier after each pair of dispatches, or an
// event per dispatch that only the same chain's next dispatch waits on.
enum class Ordering { Barriers, Unordered, GridBarrier, OneDispatch, TwoChainsBarriers, TwoChainsEvents };
const char* nameOf(Ordering o) {
  switch (o) {
    case Ordering::Barriers: return "barriers";
    case Ordering::Unordered: return "unordered";
    case Ordering::GridBarrier: return "grid barrier";
    case Ordering::OneDispatch: return "one dispatch";
    case Ordering::TwoChainsBarriers: return "2 x barriers";
    case Ordering::TwoChainsEvents: return "2 x events";
  }
  return "?";
}
uint32_t chainsOf(Ordering o) { return o == Ordering::TwoChainsBarriers || o == Ordering::TwoChainsEvents ? 2 : 1; }

struct ProbeResult {
  Summary gpu_us;
  uint64_t wrong_elements = 0;
  uint32_t abandoned_waits = 0;
};

// One chain's ping-pong data and grid-barrier counters.
struct Chain {
  Buffer data;
  Buffer arrivals;
  VkDescriptorSet set = VK_NULL_HANDLE;
};

// Events for the two-chain ordering, one per dispatch, reset by the host
// before each run. Entry points are fetched here: nothing else uses events.
class Events {
 public:
  Events(VkDevice device, uint32_t count) : device_(device) {
    create_ = fetch<PFN_vkCreateEvent>("vkCreateEvent");
    destroy_ = fetch<PFN_vkDestroyEvent>("vkDestroyEvent");
    reset_ = fetch<PFN_vkResetEvent>("vkResetEvent");
    set_ = fetch<PFN_vkCmdSetEvent>("vkCmdSetEvent");
    wait_ = fetch<PFN_vkCmdWaitEvents>("vkCmdWaitEvents");
    VkEventCreateInfo info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    for (uint32_t i = 0; i < count; ++i) {
      VkEvent e = VK_NULL_HANDLE;
      VkResult r = create_(device_, &info, nullptr, &e);
      if (r != VK_SUCCESS) destroyAll();
      VKPOSE_VK(r);
      events_.push_back(e);
    }
  }
  ~Events() { destroyAll(); }
  Events(const Events&) = delete;
  Events& operator=(const Events&) = delete;

  void resetAll() {
    for (VkEvent e : events_) VKPOSE_VK(reset_(device_, e));
  }
  void set(VkCommandBuffer cmd, uint32_t i) { set_(cmd, events_.at(i), VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT); }
  // The dispatches after this see what was written before event i was set.
  void wait(VkCommandBuffer cmd, uint32_t i) {
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
    wait_(cmd, 1, &events_.at(i), VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 1, &mb,
          0, nullptr, 0, nullptr);
  }

 private:
  void destroyAll() {
    for (VkEvent e : events_) destroy_(device_, e, nullptr);
    events_.clear();
  }
  template <class F>
  F fetch(const char* name) {
    auto f = reinterpret_cast<F>(vkGetDeviceProcAddr(device_, name));
    if (!f) throw Error(std::string("the driver does not provide ") + name);
    return f;
  }

  VkDevice device_;
  PFN_vkCreateEvent create_ = nullptr;
  PFN_vkDestroyEvent destroy_ = nullptr;
  PFN_vkResetEvent reset_ = nullptr;
  PFN_vkCmdSetEvent set_ = nullptr;
  PFN_vkCmdWaitEvents wait_ = nullptr;
  std::vector<VkEvent> events_;
};

class Probe {
 public:
  Probe(Context& ctx, const ProbeOptions& o)
      : ctx_(ctx), o_(o), pipeline_(ctx, desc(o)), arena_(ctx), timestamps_(ctx, 2), events_(ctx.device(), 2 * o.phases) {}

  ProbeResult run(Ordering ordering, uint32_t workgroups) {
    std::vector<Chain> chains;
    for (uint32_t c = 0; c < chainsOf(ordering); ++c) chains.push_back(makeChain(workgroups));
    ProbeResult result;
    std::vector<double> samples;
    record(ordering, workgroups, chains);  // warm-up: the first run pays for first use
    for (int r = 0; r < o_.repeats; ++r) {
      record(ordering, workgroups, chains);
      samples.push_back(timestamps_.totalMs() * 1000.0);
    }
    for (const Chain& chain : chains) check(chain, workgroups * o_.local_size, result);
    result.gpu_us = summarise(samples);
    return result;
  }

 private:
  static PipelineDesc desc(const ProbeOptions& o) {
    return PipelineDesc{"sync_probe", 2, sizeof(ProbePush), {o.local_size, 1, 1}, {}};
  }

  Chain makeChain(uint32_t workgroups) {
    Chain chain;
    chain.data = ctx_.allocator().createBuffer(uint64_t(workgroups) * o_.local_size * 2 * 4, MemoryUsage::DeviceLocal);
    chain.arrivals = ctx_.allocator().createBuffer(2 * 4, MemoryUsage::DeviceLocal);
    BufferBinding bindings[] = {bind(chain.data), bind(chain.arrivals)};
    chain.set = arena_.allocate(pipeline_, bindings);
    return chain;
  }

  void record(Ordering ordering, uint32_t workgroups, const std::vector<Chain>& chains) {
    events_.resetAll();
    CommandRecorder rec(ctx_);
    rec.begin();
    rec.resetTimestamps(timestamps_);
    for (const Chain& chain : chains) {
      rec.fill(chain.data, 0);
      rec.fill(chain.arrivals, 0);
    }
    rec.barrier(Stage::Transfer, Stage::Compute, "zeroed data and counters before the first phase");
    rec.timestamp(timestamps_, "start");
    recordPhases(rec, ordering, workgroups, chains);
    rec.timestamp(timestamps_, "phases");
    rec.end();
    rec.submitAndWait();
  }

  void recordPhases(CommandRecorder& rec, Ordering ordering, uint32_t workgroups, const std::vector<Chain>& chains) {
    std::array<uint32_t, 3> groups{workgroups, 1, 1};
    if (ordering == Ordering::GridBarrier || ordering == Ordering::OneDispatch) {
      uint32_t grid = ordering == Ordering::GridBarrier ? 1 : 0;
      rec.dispatch(pipeline_, chains[0].set, ProbePush{0, o_.phases, grid, o_.spin_limit}, groups);
      return;
    }
    for (uint32_t k = 0; k < o_.phases; ++k) {
      bool ordered = ordering != Ordering::Unordered;
      if (k > 0 && ordered && ordering != Ordering::TwoChainsEvents)
        rec.barrier(Stage::Compute, Stage::Compute, "phase k reads k-1");
      for (uint32_t c = 0; c < chains.size(); ++c) {
        uint32_t event = k * 2 + c;
        if (k > 0 && ordering == Ordering::TwoChainsEvents) events_.wait(rec.handle(), event - 2);
        rec.dispatch(pipeline_, chains[c].set, ProbePush{k, 1, 0, o_.spin_limit}, groups);
        if (ordering == Ordering::TwoChainsEvents) events_.set(rec.handle(), event);
      }
    }
  }

  void check(const Chain& chain, uint32_t n, ProbeResult& result) {
    std::vector<uint32_t> values(size_t(n) * 2);
    downloadFromBuffer(ctx_, chain.data, values.data(), values.size() * 4);
    uint32_t last = o_.phases & 1u;
    for (uint32_t i = 0; i < n; ++i)
      if (values[size_t(last) * n + i] != o_.phases) ++result.wrong_elements;
    uint32_t counters[2];
    downloadFromBuffer(ctx_, chain.arrivals, counters, sizeof counters);
    result.abandoned_waits += counters[1];
  }

  Context& ctx_;
  const ProbeOptions& o_;
  Pipeline pipeline_;
  DescriptorArena arena_;
  TimestampQueries timestamps_;
  Events events_;
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
              "dispatch x chains) / (phases - 1). wrong: elements not equal to the phase count; gave up: abandoned\n"
              "waits. 2 x: two independent chains, a barrier after each pair or an event per dispatch.\n",
              o.phases, o.local_size, o.repeats);
  std::printf("%12s %14s %10s %10s %14s %8s %8s\n", "workgroups", "ordering", "GPU us", "p99", "per ordering", "wrong",
              "gave up");
  for (uint32_t wg : o.workgroups) {
    ProbeResult floor = probe.run(Ordering::OneDispatch, wg);
    for (Ordering ordering : {Ordering::OneDispatch, Ordering::Unordered, Ordering::Barriers, Ordering::GridBarrier,
                              Ordering::TwoChainsBarriers, Ordering::TwoChainsEvents}) {
      ProbeResult r = ordering == Ordering::OneDispatch ? floor : probe.run(ordering, wg);
      double per = (r.gpu_us.median - floor.gpu_us.median * chainsOf(ordering)) / double(o.phases - 1);
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
