#include "runtime/ops/pointwise_coopmat.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "engine/error.h"

namespace vkpose {

namespace {

VKPOSE_PUSH_CONSTANTS(CoopMatPush);

constexpr uint32_t kStep = 16;           // the matrix step: 16x16x16
constexpr uint32_t kSubgroupSize = 32;   // the shader's workgroup is 32 x subgroups
constexpr uint32_t kMaxTiles = 8;        // accumulators per subgroup beyond this only spill
constexpr uint32_t kMaxPrefetch = 8;     // weight steps held in registers ahead of use
constexpr uint32_t kMaxLoadBatch = 32;   // input vec4s held in registers before their shared stores
constexpr uint32_t kMaxSubgroups = 8;    // the most VKPOSE_POINTWISE_COOPMAT may ask for (256 invocations)
// Measured on an H200 (docs/performance.md, steps 15 and 16): the kernel
// wins on inputs and outputs of 48 channels and up and planes from 17x17 (not
// 11x11), with 16-pixel tiles up to 17x17 and 32-pixel tiles from 25x25.
constexpr uint64_t kMinPlane = 200;
constexpr uint64_t kWidePlane = 600;
constexpr int kMinInChannels = 48;
constexpr int kMinOutChannels = 48;
constexpr uint64_t kGroupsForTwoChannelTiles = 200;

std::string str(const CoopMatTiling& t) {
  return std::to_string(t.m_tiles) + " pixel tiles x " + std::to_string(t.n_tiles) + " channel tiles x " +
         std::to_string(t.subgroups) + " subgroups, prefetch " + std::to_string(t.prefetch) + ", load batch " +
         std::to_string(t.load_batch);
}

// Measured on an H200 (docs/performance.md, steps 15, 16 and 25): 16-pixel
// blocks up to 17x17 and 32-pixel blocks above. Where the output channels
// fill 128-channel blocks, those load each input row half as often, and win
// where their workgroups still fill the GPU evenly:
// - two channel tiles per subgroup from 200 workgroups (246 at 801 gained,
//   105 at 513 lost);
// - 8 subgroups where the workgroups fit in one round of the SMs but cover
//   more than half of them (81, 105 and 129 on 132 at 449-577 gained 8-10 us;
//   159 at 641, a second round on 27 SMs, lost). Only where the device
//   reports its SM count.
CoopMatTiling ruleShape(uint64_t plane, int out_channels, uint32_t sm_count) {
  CoopMatTiling tiling;
  tiling.m_tiles = plane >= kWidePlane ? 2 : 1;
  if (plane < kWidePlane || out_channels <= 0 || out_channels % 128 != 0) return tiling;
  uint64_t groups = divUp(plane, uint64_t(32)) * uint64_t(out_channels / 128);
  if (groups >= kGroupsForTwoChannelTiles) tiling.n_tiles = 2;
  else if (groups > sm_count / 2 && groups <= sm_count) tiling.subgroups = 8;
  return tiling;
}

// VKPOSE_COOPMAT_SHAPE=m,n,s[,m,n,s]: the rule's shape replaced, the second
// triple for planes from kWidePlane; malformed values are ignored.
void shapeFromEnv(uint64_t plane, CoopMatTiling& tiling) {
  const char* shape = std::getenv("VKPOSE_COOPMAT_SHAPE");
  unsigned v[6] = {};
  int given = shape ? std::sscanf(shape, "%u,%u,%u,%u,%u,%u", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) : 0;
  const unsigned* chosen = given == 6 && plane >= kWidePlane ? v + 3 : v;
  if ((given == 3 || given == 6) && chosen[0] >= 1 && chosen[0] <= kMaxTiles && chosen[1] >= 1 &&
      chosen[1] <= kMaxTiles && chosen[2] >= 1 && chosen[2] <= kMaxSubgroups) {
    tiling.m_tiles = chosen[0];
    tiling.n_tiles = chosen[1];
    tiling.subgroups = chosen[2];
  }
}

// A tuning variable holding one number up to `most`; unset or malformed: `fallback`.
uint32_t numberFromEnv(const char* name, uint32_t most, uint32_t fallback) {
  const char* env = std::getenv(name);
  unsigned value = 0;
  if (env && std::sscanf(env, "%u", &value) == 1 && value <= most) return value;
  return fallback;
}

// The tuning variables for the prefetch depth, the load batch and the weight
// layout; malformed values are ignored.
CoopMatTiling withEnvOverrides(CoopMatTiling tiling) {
  tiling.prefetch = numberFromEnv("VKPOSE_COOPMAT_PREFETCH", kMaxPrefetch, tiling.prefetch);
  tiling.load_batch = numberFromEnv("VKPOSE_COOPMAT_LOAD_BATCH", kMaxLoadBatch, tiling.load_batch);
  const char* layout_env = std::getenv("VKPOSE_COOPMAT_WEIGHTS");
  std::string layout = layout_env ? layout_env : "";
  if (layout == "kn") tiling.weights = CoopMatWeightLayout::KMajor;
  if (layout == "nk") tiling.weights = CoopMatWeightLayout::NMajor;
  if (layout == "tiles") tiling.weights = CoopMatWeightLayout::Tiles;
  return tiling;
}

// Shared memory: the block's input rows in fp16 (row stride K + 8 halves),
// then its sums in fp32.
uint64_t sharedBytes(const CoopMatTiling& t, int in_channels) {
  return uint64_t(t.blockPixels()) * (coopMatKPad(in_channels) + 8) * 2 +
         uint64_t(t.blockPixels()) * t.blockChannels() * 4;
}

// Wide inputs need more shared memory than a large block has (768 channels
// on 32 pixels: 56.5 KiB): such layers take the smallest block, and the plain
// kernel where even that does not fit, rather than a tiling that fails.
std::optional<CoopMatTiling> fittingSharedMemory(const Capabilities& caps, int in_channels, CoopMatTiling tiling) {
  if (sharedBytes(tiling, in_channels) <= caps.max_shared_memory_bytes) return tiling;
  tiling.m_tiles = tiling.n_tiles = 1;
  tiling.subgroups = std::min(tiling.subgroups, CoopMatTiling{}.subgroups);
  if (sharedBytes(tiling, in_channels) <= caps.max_shared_memory_bytes) return tiling;
  return std::nullopt;
}

}  // namespace

std::string coopMatMissing(const Capabilities& caps, Precision precision) {
  std::string device = "device " + caps.device_name;
  if (precision == Precision::FP32) return "the kernel multiplies fp16 values; fp32 layers keep fp32 products";
  if (!caps.cooperative_matrix_nv) return device + " lacks NV cooperative matrices (VK_NV_cooperative_matrix)";
  if (!caps.hasCooperativeMatrix(16, 16, 16, "fp16", "fp32"))
    return device + " lacks 16x16x16 fp16 cooperative matrices with fp32 sums";
  if (!caps.vulkan_memory_model) return device + " lacks the Vulkan memory model the kernel is written against";
  if (!caps.float16_arith || !caps.storage_16bit) return device + " lacks fp16 arithmetic or fp16 storage";
  if (caps.subgroup_size != kSubgroupSize || !(caps.subgroup_ops & VK_SUBGROUP_FEATURE_BASIC_BIT))
    return device + " has subgroups of " + std::to_string(caps.subgroup_size) + ", the kernel needs 32";
  return {};
}

std::optional<CoopMatTiling> defaultCoopMatTiling(const Capabilities& caps, Precision precision, int in_channels,
                                                  uint64_t plane, int out_channels) {
  if (!coopMatMissing(caps, precision).empty()) return std::nullopt;
  const char* env = std::getenv("VKPOSE_POINTWISE_COOPMAT");
  std::string choice = env ? env : "";
  if (choice == "0") return std::nullopt;
  if (choice == "all") return withEnvOverrides(CoopMatTiling{});
  unsigned m = 0, n = 0, s = 0, d = 0, b = CoopMatTiling{}.load_batch;
  int fields = std::sscanf(choice.c_str(), "%u,%u,%u,%u,%u", &m, &n, &s, &d, &b);
  if (fields >= 3 && m >= 1 && m <= kMaxTiles && n >= 1 && n <= kMaxTiles && s >= 1 && s <= kMaxSubgroups &&
      d <= kMaxPrefetch && b <= kMaxLoadBatch)
    return withEnvOverrides(CoopMatTiling{m, n, s, d, b});
  // Unset or malformed: the measured rule.
  if (plane < kMinPlane || in_channels < kMinInChannels) return std::nullopt;
  if (out_channels > 0 && out_channels < kMinOutChannels) return std::nullopt;
  CoopMatTiling tiling = ruleShape(plane, out_channels, caps.sm_count);
  shapeFromEnv(plane, tiling);
  return fittingSharedMemory(caps, in_channels, withEnvOverrides(tiling));
}

void validateCoopMat(const Capabilities& caps, Precision precision, const CoopMatTiling& t, int in_channels) {
  std::string missing = coopMatMissing(caps, precision);
  if (!missing.empty()) throw Error("Pointwise: tensor-core kernel: " + missing);
  auto fail = [&](const std::string& what) { throw Error("Pointwise: tensor-core tiling (" + str(t) + "): " + what); };
  if (t.m_tiles < 1 || t.m_tiles > kMaxTiles || t.n_tiles < 1 || t.n_tiles > kMaxTiles)
    fail("pixel and channel tiles must be within 1.." + std::to_string(kMaxTiles));
  if (t.prefetch > kMaxPrefetch) fail("prefetch must be within 0.." + std::to_string(kMaxPrefetch));
  if (t.load_batch > kMaxLoadBatch) fail("the load batch must be within 0.." + std::to_string(kMaxLoadBatch));
  if (t.subgroups < 1 || t.subgroups * kSubgroupSize > caps.max_workgroup_invocations ||
      t.subgroups * kSubgroupSize > caps.max_workgroup_size[0])
    fail("the workgroup exceeds the device's invocation limit");
  uint64_t shared = sharedBytes(t, in_channels);
  if (shared > caps.max_shared_memory_bytes)
    fail("with " + std::to_string(in_channels) + " input channels it needs " + std::to_string(shared) +
         " bytes of shared memory, the device has " + std::to_string(caps.max_shared_memory_bytes));
}

uint32_t coopMatKPad(int in_channels) { return divUp(uint32_t(in_channels), kStep) * kStep; }

uint32_t coopMatNPad(int out_channels, const CoopMatTiling& tiling) {
  return divUp(uint32_t(out_channels), tiling.blockChannels()) * tiling.blockChannels();
}

size_t matrixIndex(CoopMatWeightLayout layout, uint32_t k, uint32_t n, uint32_t k_pad, uint32_t n_pad) {
  switch (layout) {
    case CoopMatWeightLayout::KMajor: return size_t(k) * n_pad + n;
    case CoopMatWeightLayout::NMajor: return size_t(n) * k_pad + k;
    case CoopMatWeightLayout::Tiles: break;
  }
  size_t tile = size_t(n / kStep) * (k_pad / kStep) + k / kStep;
  return tile * kStep * kStep + (n % kStep) * kStep + k % kStep;
}

std::vector<float> coopMatWeights(const std::vector<float>& dense_c4, int out_channels, int in_channels,
                                  const CoopMatTiling& tiling) {
  uint32_t k_pad = coopMatKPad(in_channels), n_pad = coopMatNPad(out_channels, tiling);
  uint32_t in_c4 = divUp(uint32_t(in_channels), 4);
  std::vector<float> matrix(size_t(k_pad) * n_pad, 0.f);
  for (uint32_t oc = 0; oc < uint32_t(out_channels); ++oc)
    for (uint32_t ic = 0; ic < uint32_t(in_channels); ++ic) {
      // DenseC4: per (oc4, ic4) four vec4s, vec4 `ic % 4` holding output lanes 0..3.
      size_t from = ((size_t(oc / 4) * in_c4 + ic / 4) * 4 + ic % 4) * 4 + oc % 4;
      matrix[matrixIndex(tiling.weights, ic, oc, k_pad, n_pad)] = dense_c4[from];
    }
  return matrix;
}

PipelineDesc coopMatPointwiseDesc(Activation activation, const CoopMatTiling& t, int in_channels) {
  return PipelineDesc{variantName("pointwise_coopmat", activation, Precision::FP16Storage),
                      4,
                      sizeof(CoopMatPush),
                      {t.subgroups * kSubgroupSize, 1, 1},
                      {t.m_tiles, t.n_tiles, t.subgroups, coopMatKPad(in_channels), t.prefetch, t.load_batch,
                       uint32_t(t.weights)}};
}

CoopMatPush coopMatPush(const Shape& in, const Shape& out, const CoopMatTiling& tiling, const Epilogue& epilogue) {
  return {uint32_t(in.h) * uint32_t(in.w),
          uint32_t(in.c4()),
          uint32_t(out.c4()),
          uint32_t(out.c),
          coopMatNPad(out.c, tiling),
          epilogue.clip_min,
          epilogue.clip_max};
}

std::array<uint32_t, 3> coopMatGroups(const Shape& out, const CoopMatTiling& tiling) {
  return {divUp(uint64_t(out.h) * uint64_t(out.w), tiling.blockPixels()),
          divUp(uint64_t(out.c), tiling.blockChannels()), 1};
}

}  // namespace vkpose
