#version 450
// Depthwise 3x3 (dilation 1, stride 1 or 2, any padding, its bias and
// activation) followed by a pointwise 1x1 layer (its bias and activation), in
// one dispatch: on GPUs every barrier-separated dispatch costs a few µs even
// when it does nothing, which is most of a depthwise layer's time on small
// planes. The depthwise result never leaves registers.
//
// An invocation owns (one output pixel, OC4_BLOCK output vec4s, one slice of
// the input vec4s). For each input vec4 of its slice it computes the
// depthwise value at its pixel (nine taps) and multiplies it straight into
// its pointwise accumulators. The depthwise work is thus repeated once per
// output block: OC4_BLOCK trades that redundancy against parallelism, which
// is what 17x17 planes (289 pixels) lack on a large GPU.
//
// K split: local y is the slice (K_SPLIT = local size y); the K_SPLIT
// invocations of one (pixel, output block) each take a contiguous slice of
// the input vec4s, and their partial sums meet in shared memory after one
// barrier(); slice 0 adds the rest, applies the activation and stores. A
// warp runs one slice of consecutive pixels, so its weight loads (same
// output block, same input vec4) are uniform.
//
// Layouts (runtime/ops/dw_pointwise.h): tensors C4HW4; `dw` holds the
// depthwise weights (one vec4 per (c4, tap)) then its bias (one vec4 per c4);
// `pw` holds the pointwise weights (per (oc4, ic4) four vec4s, vec4 i = input
// lane i's weights for output lanes 0..3) then its bias (one vec4 per oc4).
//
// Remainders: pixels past the plane and output blocks past the last are
// clamped for loading (every invocation must reach the barrier) and skipped
// at store; slices past the input vec4s are empty.
#extension GL_EXT_control_flow_attributes : require
#include "types.glsl"
#include "activation.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint OC4_BLOCK = 4;  // output vec4s per invocation
layout(constant_id = 4) const int STRIDE = 1;      // depthwise stride, 1 or 2
layout(constant_id = 5) const int DW_ACT = 0;      // depthwise activation, a kAct* kind
const uint K_SPLIT = gl_WorkGroupSize.y;

layout(std430, binding = 0) readonly buffer In { sfpvec4 src[]; };
layout(std430, binding = 1) writeonly buffer Out { sfpvec4 dst[]; };
layout(std430, binding = 2) readonly buffer Depthwise { sfpvec4 dw[]; };
layout(std430, binding = 3) readonly buffer Pointwise { sfpvec4 pw[]; };

layout(push_constant) uniform Push {
  int in_h, in_w;
  int out_w;
  uint out_plane;     // out_h * out_w
  int pad_top, pad_left;
  uint in_c4;         // the depthwise channels, the pointwise input
  uint out_c4;
  uint out_channels;  // real count: lanes at or past it are padding
  float dw_clip_min, dw_clip_max;
  float clip_min, clip_max;
} p;

// The nine input offsets of this invocation's pixel within a plane, and
// which of them fall inside the input (the rest is implicit zero padding).
uint tap_offset[9];
bool tap_inside[9];

void findTaps(uint pixel) {
  int iy0 = int(pixel / uint(p.out_w)) * STRIDE - p.pad_top;
  int ix0 = int(pixel % uint(p.out_w)) * STRIDE - p.pad_left;
  [[unroll]] for (int ky = 0; ky < 3; ++ky)
    [[unroll]] for (int kx = 0; kx < 3; ++kx) {
      int iy = iy0 + ky, ix = ix0 + kx;
      bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
      tap_inside[ky * 3 + kx] = inside;
      tap_offset[ky * 3 + kx] = inside ? uint(iy * p.in_w + ix) : 0;
    }
}

// The depthwise layer's output at this pixel for input vec4 ic4. Its padding
// lanes are act(0), not necessarily 0, but the pointwise weights of padding
// input lanes are zero, so they add nothing.
afpvec4 depthwise(uint ic4) {
  uint base = ic4 * uint(p.in_h * p.in_w);
  afpvec4 sum = afp4(dw[p.in_c4 * 9 + ic4]);
  [[unroll]] for (int t = 0; t < 9; ++t) {
    afpvec4 x = tap_inside[t] ? afp4(src[base + tap_offset[t]]) : afpvec4(0);
    sum += x * afp4(dw[ic4 * 9 + t]);
  }
  return activateAs(DW_ACT, sum, p.dw_clip_min, p.dw_clip_max);
}

afpvec4 acc[OC4_BLOCK];

// Pointwise weight vec4s of output block b at input vec4 ic4 start here.
uint weightIndex(uint oc4_base, uint b, uint ic4) { return (min(oc4_base + b, p.out_c4 - 1) * p.in_c4 + ic4) * 4; }

void accumulate(uint oc4_base, uint first, uint end) {
  for (uint ic4 = first; ic4 < end; ++ic4) {
    afpvec4 x = depthwise(ic4);
    [[unroll]] for (uint b = 0; b < OC4_BLOCK; ++b) {
      uint w = weightIndex(oc4_base, b, ic4);
      acc[b] += x.x * afp4(pw[w]) + x.y * afp4(pw[w + 1]) + x.z * afp4(pw[w + 2]) + x.w * afp4(pw[w + 3]);
    }
  }
}

// Partial sums of the slices past 0, kept as fp32 whatever the precision
// (16-bit shared memory would need another device feature).
shared vec4 partial[K_SPLIT > 1 ? (K_SPLIT - 1) * gl_WorkGroupSize.x * OC4_BLOCK : 1];

uint partialIndex(uint slice, uint b) {
  return ((slice - 1) * gl_WorkGroupSize.x + gl_LocalInvocationID.x) * OC4_BLOCK + b;
}

// Leaves the whole sum in the accumulators of the slice-0 invocation.
void reduceSlices(uint slice) {
  if (slice > 0)
    [[unroll]] for (uint b = 0; b < OC4_BLOCK; ++b) partial[partialIndex(slice, b)] = vec4(acc[b]);
  barrier();
  if (slice > 0) return;
  for (uint s = 1; s < K_SPLIT; ++s)
    [[unroll]] for (uint b = 0; b < OC4_BLOCK; ++b) acc[b] += afp4(partial[partialIndex(s, b)]);
}

void store(uint pixel, uint oc4_base) {
  [[unroll]] for (uint b = 0; b < OC4_BLOCK; ++b) {
    uint oc4 = oc4_base + b;
    if (oc4 >= p.out_c4) return;
    // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
    bvec4 real = lessThan(uvec4(oc4 * 4) + uvec4(0, 1, 2, 3), uvec4(p.out_channels));
    dst[oc4 * p.out_plane + pixel] = sfp4(mix(afpvec4(0), activate(acc[b], p.clip_min, p.clip_max), real));
  }
}

void main() {
  uint pixel = gl_GlobalInvocationID.x;
  uint oc4_base = gl_WorkGroupID.y * OC4_BLOCK;
  uint slice = gl_LocalInvocationID.y;
  uint slice_len = (p.in_c4 + K_SPLIT - 1) / K_SPLIT;
  findTaps(min(pixel, p.out_plane - 1));
  [[unroll]] for (uint b = 0; b < OC4_BLOCK; ++b)
    acc[b] = slice == 0 ? afp4(pw[p.out_c4 * p.in_c4 * 4 + min(oc4_base + b, p.out_c4 - 1)]) : afpvec4(0);
  accumulate(oc4_base, min(slice * slice_len, p.in_c4), min((slice + 1) * slice_len, p.in_c4));
  if (K_SPLIT > 1) {
    reduceSlices(slice);
    if (slice > 0) return;
  }
  if (pixel < p.out_plane) store(pixel, oc4_base);
}
