#version 450
// 1x1 convolution, stride 1, no padding: out[oc][p] = act(sum_ic W[oc][ic] * in[ic][p] + b[oc]).
// With a 1x1 window the HxW plane is just a list of pixels, so pixels are
// indexed flat and the image width plays no part.
//
// Register blocking, no shared memory (barrier() is very slow on lavapipe):
// each invocation accumulates OC4_BLOCK output vec4s x PIXELS pixels, so every
// input vec4 it loads feeds OC4_BLOCK vec4 multiply-adds per lane and every
// weight vec4 feeds PIXELS. The host picks the block sizes per device
// (defaultPointwiseTiling). An invocation's pixels are strided,
// first + k * pixel_stride, rather than adjacent, so neighbouring invocations
// read neighbouring vec4s (coalesced on GPUs) and only the tail of the last
// pixel slots falls past the plane.
//
// Weight sharing: all invocations of a workgroup need the same weights. GPUs
// broadcast such uniform loads for free, but llvmpipe performs every buffer
// load inside a loop lane by lane, so there WEIGHT_LANES = subgroup size
// splits each step's weight loads across the subgroup and hands them round
// with subgroupShuffle (3x faster on lavapipe). WEIGHT_LANES = 1 loads directly.
//
// K split (GPUs): on 17x17 planes one output vec4 per invocation leaves a
// large GPU with a few warps per core, each running the whole input-channel
// loop serially, so it waits on memory latency. K_SPLIT invocations along
// local y then share one output, each summing a contiguous slice of the input
// vec4s, and the partial sums meet in shared memory after one barrier(). The
// CPU path keeps K_SPLIT = 1, which compiles without the barrier (barrier()
// is very slow on lavapipe).
//
// Remainders: pixels and output blocks past the end are clamped to the last
// valid one for loading (no branches in the inner loop) and skipped at store.
#extension GL_KHR_shader_subgroup_shuffle : require
#include "types.glsl"
#include "tensor_io.glsl"
#include "activation.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint PIXELS = 4;        // pixels per invocation
layout(constant_id = 4) const uint OC4_BLOCK = 4;     // output vec4s per invocation
layout(constant_id = 5) const uint WEIGHT_LANES = 1;  // 1, or the subgroup size
layout(constant_id = 6) const uint K_SPLIT = 1;       // invocations along y sharing an output
layout(constant_id = 7) const uint K_UNROLL = 1;      // input vec4 steps whose loads are issued together
const uint WEIGHT_VEC4S = 4 * OC4_BLOCK;               // per input vec4 step
const uint WEIGHT_SLOTS = (WEIGHT_VEC4S + WEIGHT_LANES - 1) / WEIGHT_LANES;

VEC4_INPUT(0, src)
layout(std430, binding = 1) writeonly buffer Out { sfpvec4 dst[]; };
// Per (oc4, ic4) four vec4s; vec4 i holds input lane i's weights for output lanes 0..3.
VEC4_INPUT(2, weights)
VEC4_INPUT(3, bias)

layout(push_constant) uniform Push {
  uint plane;         // H * W
  uint in_c4;
  uint out_c4;
  uint out_channels;  // real count: lanes at or past it are padding
  uint pixel_stride;  // invocations along x that own pixels: ceil(plane / PIXELS)
  float clip_min;
  float clip_max;
} p;

afpvec4 acc[OC4_BLOCK][PIXELS];
uint src_pixel[PIXELS];
// This invocation's share of the step's weights: slot s holds weight vec4
// j = s * WEIGHT_LANES + lane, i.e. output block j / 4, input lane j % 4;
// weight_base is its index at ic4 = 0.
uint weight_base[WEIGHT_SLOTS];

void initialise(uint first_pixel, uint oc4_base, bool with_bias) {
  for (uint k = 0; k < PIXELS; ++k) src_pixel[k] = min(first_pixel + k * p.pixel_stride, p.plane - 1);
  for (uint b = 0; b < OC4_BLOCK; ++b) {
    afpvec4 start = with_bias ? LOAD4(bias, min(oc4_base + b, p.out_c4 - 1)) : afpvec4(0);
    for (uint k = 0; k < PIXELS; ++k) acc[b][k] = start;
  }
  uint lane = WEIGHT_LANES == 1 ? 0 : gl_SubgroupInvocationID;
  for (uint s = 0; s < WEIGHT_SLOTS; ++s) {
    uint j = min(s * WEIGHT_LANES + lane, WEIGHT_VEC4S - 1);
    weight_base[s] = min(oc4_base + j / 4, p.out_c4 - 1) * p.in_c4 * 4 + j % 4;
  }
}

// Weight vec4 j of the current step, from whichever lane loaded it.
afpvec4 weight(vec4 loaded[WEIGHT_SLOTS], uint j) {
  if (WEIGHT_LANES == 1) return afp4(loaded[j]);
  return afp4(subgroupShuffle(loaded[j / WEIGHT_LANES], j % WEIGHT_LANES));
}

void multiplyAdd(afpvec4 x[PIXELS], vec4 loaded[WEIGHT_SLOTS]) {
  for (uint b = 0; b < OC4_BLOCK; ++b) {
    afpvec4 w0 = weight(loaded, 4 * b), w1 = weight(loaded, 4 * b + 1);
    afpvec4 w2 = weight(loaded, 4 * b + 2), w3 = weight(loaded, 4 * b + 3);
    for (uint k = 0; k < PIXELS; ++k) acc[b][k] += x[k].x * w0 + x[k].y * w1 + x[k].z * w2 + x[k].w * w3;
  }
}

void load(uint ic4, out afpvec4 x[PIXELS], out vec4 loaded[WEIGHT_SLOTS]) {
  for (uint k = 0; k < PIXELS; ++k) x[k] = LOAD4(src, ic4 * p.plane + src_pixel[k]);
  // Shuffled as fp32: 16-bit subgroup operations need another device feature.
  for (uint s = 0; s < WEIGHT_SLOTS; ++s) loaded[s] = LOAD4_F32(weights, weight_base[s] + ic4 * 4);
}

// K_UNROLL > 1 (GPUs): the loads of K_UNROLL steps are issued before any of
// their multiply-adds, so their memory latencies overlap instead of adding up.
void accumulate(uint ic4_begin, uint ic4_end) {
  uint ic4 = ic4_begin;
  // K_UNROLL 1 compiles to the plain loop below alone.
  if (K_UNROLL > 1)
    for (; ic4 + K_UNROLL <= ic4_end; ic4 += K_UNROLL) {
      afpvec4 x[K_UNROLL][PIXELS];
      vec4 loaded[K_UNROLL][WEIGHT_SLOTS];
      for (uint u = 0; u < K_UNROLL; ++u) load(ic4 + u, x[u], loaded[u]);
      for (uint u = 0; u < K_UNROLL; ++u) multiplyAdd(x[u], loaded[u]);
    }
  for (; ic4 < ic4_end; ++ic4) {
    afpvec4 x[PIXELS];
    vec4 loaded[WEIGHT_SLOTS];
    load(ic4, x, loaded);
    multiplyAdd(x, loaded);
  }
}

void store(uint first_pixel, uint oc4_base) {
  for (uint b = 0; b < OC4_BLOCK; ++b) {
    uint oc4 = oc4_base + b;
    if (oc4 >= p.out_c4) return;
    // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
    bvec4 real = lessThan(uvec4(oc4 * 4) + uvec4(0, 1, 2, 3), uvec4(p.out_channels));
    for (uint k = 0; k < PIXELS; ++k) {
      uint pixel = first_pixel + k * p.pixel_stride;
      if (pixel < p.plane)
        dst[oc4 * p.plane + pixel] = sfp4(mix(afpvec4(0), activate(acc[b][k], p.clip_min, p.clip_max), real));
    }
  }
}

// Partial sums of the invocations at local y > 0, kept as fp32 whatever the
// precision (16-bit shared memory would need another device feature).
shared vec4 partial[K_SPLIT > 1 ? (K_SPLIT - 1) * gl_WorkGroupSize.x * OC4_BLOCK * PIXELS : 1];

uint partialIndex(uint slice, uint b, uint k) {
  return (((slice - 1) * gl_WorkGroupSize.x + gl_LocalInvocationID.x) * OC4_BLOCK + b) * PIXELS + k;
}

// Leaves the whole sum in the accumulators of the slice-0 invocation.
void reduceSlices() {
  uint slice = gl_LocalInvocationID.y;
  if (slice > 0)
    for (uint b = 0; b < OC4_BLOCK; ++b)
      for (uint k = 0; k < PIXELS; ++k) partial[partialIndex(slice, b, k)] = vec4(acc[b][k]);
  barrier();
  if (slice > 0) return;
  for (uint s = 1; s < K_SPLIT; ++s)
    for (uint b = 0; b < OC4_BLOCK; ++b)
      for (uint k = 0; k < PIXELS; ++k) acc[b][k] += afp4(partial[partialIndex(s, b, k)]);
}

void main() {
  // The output block comes from the workgroup (local y is the K slice), so
  // weight and bias addresses are uniform across a slice. Every invocation
  // runs its whole loop, surplus ones on clamped pixels: the weight shuffle
  // needs the full subgroup and the reduction every slice; they store nothing.
  uint first_pixel = gl_GlobalInvocationID.x;
  uint oc4_base = gl_WorkGroupID.y * OC4_BLOCK;
  uint slice = gl_LocalInvocationID.y;
  uint slice_len = (p.in_c4 + K_SPLIT - 1) / K_SPLIT;
  initialise(first_pixel, oc4_base, slice == 0);
  accumulate(min(slice * slice_len, p.in_c4), min((slice + 1) * slice_len, p.in_c4));
  if (K_SPLIT > 1) {
    reduceSlices();
    if (slice > 0) return;
  }
  if (first_pixel < p.pixel_stride) store(first_pixel, oc4_base);
}
