#version 450
// 1x1 convolution on tensor cores (GL_NV_cooperative_matrix): fp16 inputs and
// weights, fp32 sums. With the pixels as rows it is a matrix product,
// out[pixel][oc] = act(sum_k in[pixel][k] * W[k][oc] + b[oc]).
//
// A matrix load reads rows of consecutive elements, but the activations are
// C4HW4: only 4 channels of a pixel are adjacent. So the workgroup first
// copies its pixels' whole input rows into shared memory, pixel-major (one
// memory latency for all of K), and each subgroup then multiplies 16x16
// tiles from there with weight tiles read straight from the fp16 weight
// matrix. The sums go through shared memory once more to get bias,
// activation and the C4HW4 store.
//
// The weight matrix's layout decides how fast its tiles load: stored [K][N],
// each lane's pair of neighbouring K elements lies a row apart, and loading
// the tiles held PoseNet's 384-channel layers at 17 us at 513 on an H200;
// with each 16x16 step stored whole (512 adjacent bytes) they take 11
// (docs/performance.md, step 25).
//
// Workgroup tile: M_TILES x 16 pixels by SUBGROUPS x N_TILES x 16 output
// channels; every subgroup covers all the pixels and its own channels.
// Padding: pixels past the plane and input channels past K load as zero
// (the weights' padding rows are zero too); outputs past either end are not
// stored, and padding lanes of the last output vec4 are stored as zero.
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_control_flow_attributes : require
#include "types.glsl"
#include "activation.glsl"

// x: 32 x SUBGROUPS (subgroups of 32, checked on the host); y and z: 1.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint M_TILES = 2;   // 16-pixel tiles per workgroup
layout(constant_id = 4) const uint N_TILES = 1;   // 16-channel tiles per subgroup
layout(constant_id = 5) const uint SUBGROUPS = 2;
layout(constant_id = 6) const uint K_PAD = 16;    // input channels rounded up to 16
layout(constant_id = 7) const uint PREFETCH = 0;  // weight steps loaded ahead of their products (0: none)
// Input vec4s an invocation loads before storing any of them into shared
// memory (0: load and store one at a time); see loadInputRows.
layout(constant_id = 8) const uint LOAD_BATCH = 0;
// The weight matrix's layout (CoopMatWeightLayout): 0 [K_PAD][n_pad], 1
// [n_pad][K_PAD], 2 each 16x16 step whole, [n / 16][k / 16][n % 16][k % 16],
// loaded column-major: a column is one output channel's 16 K values.
layout(constant_id = 9) const uint WEIGHTS_LAYOUT = 0;
const uint K_STEPS = K_PAD / 16;
const uint RING = PREFETCH > 0 ? PREFETCH : 1;
const uint BLOCK_PIXELS = 16 * M_TILES;
const uint BLOCK_CHANNELS = 16 * N_TILES * SUBGROUPS;
const uint INVOCATIONS = 32 * SUBGROUPS;
const uint ROW_COPIES = BLOCK_PIXELS * (K_PAD / 4);
const uint BATCH = LOAD_BATCH > 0 ? LOAD_BATCH : 1;
const uint STORES = BLOCK_PIXELS * (BLOCK_CHANNELS / 4) / INVOCATIONS;  // exact: both are multiples of 32
// In halves; the extra 8 (16 bytes, the matrix loads' alignment) moves each
// row to other shared-memory banks than the one above it.
const uint ROW_STRIDE = K_PAD + 8;

layout(std430, binding = 0) readonly buffer In { f16vec4 src[]; };
layout(std430, binding = 1) writeonly buffer Out { f16vec4 dst[]; };
layout(std430, binding = 2) readonly buffer Weights { float16_t weights[]; };  // see WEIGHTS_LAYOUT
layout(std430, binding = 3) readonly buffer Bias { f16vec4 bias[]; };

layout(push_constant) uniform Push {
  uint plane;         // H * W
  uint in_c4;
  uint out_c4;
  uint out_channels;  // real count: lanes at or past it are padding
  uint n_pad;         // the weight matrix's row length
  float clip_min;
  float clip_max;
} p;

shared float16_t rows[BLOCK_PIXELS * ROW_STRIDE];
shared float sums[BLOCK_PIXELS * BLOCK_CHANNELS];

// Copy i of the block: consecutive invocations take consecutive pixels of
// one channel vec4, so the global reads coalesce.
f16vec4 loadInput(uint first_pixel, uint i) {
  uint row = i % BLOCK_PIXELS, c4 = i / BLOCK_PIXELS;
  uint pixel = first_pixel + row;
  if (i >= ROW_COPIES || pixel >= p.plane || c4 >= p.in_c4) return f16vec4(0);
  return src[c4 * p.plane + pixel];
}

void storeRow(uint i, f16vec4 v) {
  if (i >= ROW_COPIES) return;
  uint at = (i % BLOCK_PIXELS) * ROW_STRIDE + (i / BLOCK_PIXELS) * 4;
  rows[at] = v.x;
  rows[at + 1] = v.y;
  rows[at + 2] = v.z;
  rows[at + 3] = v.w;
}

// With LOAD_BATCH > 0 an invocation requests BATCH vec4s before it stores
// the first, so their memory latencies overlap rather than add up (a
// 384-channel layer copies 12-24 vec4s per invocation).
void loadInputRows(uint first_pixel) {
  if (LOAD_BATCH == 0) {
    for (uint i = gl_LocalInvocationIndex; i < ROW_COPIES; i += INVOCATIONS) storeRow(i, loadInput(first_pixel, i));
    return;
  }
  for (uint base = gl_LocalInvocationIndex; base < ROW_COPIES; base += BATCH * INVOCATIONS) {
    f16vec4 v[BATCH];
    [[unroll]] for (uint j = 0; j < BATCH; ++j) v[j] = loadInput(first_pixel, base + j * INVOCATIONS);
    [[unroll]] for (uint j = 0; j < BATCH; ++j) storeRow(base + j * INVOCATIONS, v[j]);
  }
}

// K step `step`'s weight tiles for this subgroup's N_TILES column tiles.
void loadWeightStep(out fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> b[N_TILES], uint step, uint first_channel) {
  for (uint j = 0; j < N_TILES; ++j) {
    uint n = first_channel + 16 * j;
    if (WEIGHTS_LAYOUT == 1)
      coopMatLoadNV(b[j], weights, n * K_PAD + step * 16, K_PAD, true);
    else if (WEIGHTS_LAYOUT == 2)
      coopMatLoadNV(b[j], weights, ((n / 16) * K_STEPS + step) * 256, 16, true);
    else
      coopMatLoadNV(b[j], weights, step * 16 * p.n_pad + n, p.n_pad, false);
  }
}

void multiplyStep(inout fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> acc[M_TILES][N_TILES],
                  fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> b[N_TILES], uint step) {
  for (uint i = 0; i < M_TILES; ++i) {
    fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> a;
    coopMatLoadNV(a, rows, i * 16 * ROW_STRIDE + step * 16, ROW_STRIDE, false);
    for (uint j = 0; j < N_TILES; ++j) acc[i][j] = coopMatMulAddNV(a, b[j], acc[i][j]);
  }
}

// Sums this subgroup's tiles into `sums`: its output channels start at
// `first_channel`, which is column `column` of the block. Weight tiles come
// from global memory, so each step would wait for its own load; with a ring
// of PREFETCH steps in flight those waits overlap (17x17 layers on an H200:
// 13-14 us -> 9-10). Loading all of K's tiles first held too many registers.
void multiply(uint first_channel, uint column) {
  fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> acc[M_TILES][N_TILES];
  for (uint i = 0; i < M_TILES; ++i)
    for (uint j = 0; j < N_TILES; ++j) acc[i][j] = fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0);
  if (PREFETCH == 0) {
    for (uint k = 0; k < K_STEPS; ++k) {
      fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> b[N_TILES];
      loadWeightStep(b, k, first_channel);
      multiplyStep(acc, b, k);
    }
  } else {
    // A ring of weight steps in flight: step k + RING is requested before step k's products.
    fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> ring[RING][N_TILES];
    [[unroll]] for (uint s = 0; s < RING; ++s)
      if (s < K_STEPS) loadWeightStep(ring[s], s, first_channel);
    [[unroll]] for (uint k = 0; k < K_STEPS; ++k) {
      fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> b[N_TILES];
      for (uint j = 0; j < N_TILES; ++j) b[j] = ring[k % RING][j];
      if (k + RING < K_STEPS) loadWeightStep(ring[k % RING], k + RING, first_channel);
      multiplyStep(acc, b, k);
    }
  }
  for (uint i = 0; i < M_TILES; ++i)
    for (uint j = 0; j < N_TILES; ++j)
      coopMatStoreNV(acc[i][j], sums, i * 16 * BLOCK_CHANNELS + column + 16 * j, BLOCK_CHANNELS, false);
}

// Store s of this invocation: output vec4 `c4` of the block, pixel `row`.
uint storeIndex(uint s) { return gl_LocalInvocationIndex + s * INVOCATIONS; }

// With LOAD_BATCH > 0 the bias vec4s this invocation adds are requested
// before the products, so their latency hides behind them.
void loadBias(uint first_oc4, out f16vec4 b[STORES]) {
  for (uint s = 0; s < STORES; ++s) {
    b[s] = f16vec4(0);
    if (LOAD_BATCH > 0) b[s] = bias[min(first_oc4 + storeIndex(s) / BLOCK_PIXELS, p.out_c4 - 1)];
  }
}

void storeOutputs(uint first_pixel, uint first_oc4, f16vec4 early_bias[STORES]) {
  for (uint s = 0; s < STORES; ++s) {
    uint i = storeIndex(s);
    uint row = i % BLOCK_PIXELS, c4 = i / BLOCK_PIXELS;
    uint pixel = first_pixel + row, oc4 = first_oc4 + c4;
    if (pixel >= p.plane || oc4 >= p.out_c4) continue;
    uint at = row * BLOCK_CHANNELS + c4 * 4;
    f16vec4 b = LOAD_BATCH > 0 ? early_bias[s] : bias[oc4];
    vec4 v = vec4(sums[at], sums[at + 1], sums[at + 2], sums[at + 3]) + vec4(b);
    // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
    bvec4 real = lessThan(uvec4(oc4 * 4) + uvec4(0, 1, 2, 3), uvec4(p.out_channels));
    dst[oc4 * p.plane + pixel] = f16vec4(mix(vec4(0), activate(v, p.clip_min, p.clip_max), real));
  }
}

void main() {
  uint first_pixel = gl_WorkGroupID.x * BLOCK_PIXELS;
  uint first_channel = gl_WorkGroupID.y * BLOCK_CHANNELS;
  f16vec4 early_bias[STORES];
  loadBias(first_channel / 4, early_bias);
  loadInputRows(first_pixel);
  barrier();
  uint column = gl_SubgroupID * 16 * N_TILES;
  multiply(first_channel + column, column);
  barrier();
  storeOutputs(first_pixel, first_channel / 4, early_bias);
}
