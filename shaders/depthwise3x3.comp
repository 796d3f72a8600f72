#version 450
// Depthwise 3x3 convolution, dilation 1, stride 1 or 2 (STRIDE_S1/STRIDE_S2),
// any padding. One invocation owns one channel block (vec4) and kTileX
// adjacent output pixels of one row: the nine weights stay in registers, and
// each input row is loaded once as the (kTileX-1)*stride+3 columns the whole
// tile needs, instead of three columns per output pixel.
// Layouts (runtime/ops/depthwise.h): weights one vec4 per (c4, ky, kx), bias
// one vec4 per c4, tensors C4HW4.
#extension GL_EXT_control_flow_attributes : require
#include "types.glsl"
#include "tensor_io.glsl"
#include "activation.glsl"
#include "layout.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
// Output pixels per invocation, always set by the host, which sizes the dispatch with it.
layout(constant_id = 3) const int kTileX = 1;

#if defined(STRIDE_S1)
const int kStride = 1;
#elif defined(STRIDE_S2)
const int kStride = 2;
#else
#error "one of STRIDE_S1, STRIDE_S2 must be defined"
#endif
const int kSpanX = (kTileX - 1) * kStride + 3;  // input columns one tile reads per row

VEC4_INPUT(0, src)
VEC4_INPUT(1, weights)
VEC4_INPUT(2, bias)
layout(std430, binding = 3) writeonly buffer Out { sfpvec4 dst[]; };

// A prefix of the generic kernel's block: kernel, stride and dilation are fixed here.
layout(push_constant) uniform Push {
  int in_h, in_w;
  int out_h, out_w;
  int pad_top, pad_left;
  int channels;  // real channel count: lanes at or past it are padding
  int tiles_x;   // invocations per output row
  float clip_min, clip_max;
} p;

// One input row of the tile, zero outside the input (implicit padding).
void loadRow(uint c4, int iy, int ix0, out afpvec4 row[kSpanX]) {
  uint base = c4hw4Index(c4, uint(iy), 0, uint(p.in_h), uint(p.in_w));
  [[unroll]] for (int j = 0; j < kSpanX; ++j) {
    int ix = ix0 + j;
    row[j] = (ix >= 0 && ix < p.in_w) ? LOAD4(src, base + uint(ix)) : afpvec4(0);
  }
}

void main() {
  int plane_id = int(gl_GlobalInvocationID.x);
  uint c4 = gl_GlobalInvocationID.z;
  if (plane_id >= p.tiles_x * p.out_h) return;
  int oy = plane_id / p.tiles_x;
  int ox0 = (plane_id % p.tiles_x) * kTileX;

  afpvec4 w[9];
  [[unroll]] for (int t = 0; t < 9; ++t) w[t] = LOAD4(weights, c4 * 9 + t);
  afpvec4 acc[kTileX];
  afpvec4 b = LOAD4(bias, c4);
  [[unroll]] for (int i = 0; i < kTileX; ++i) acc[i] = b;

  int iy0 = oy * kStride - p.pad_top;
  int ix0 = ox0 * kStride - p.pad_left;
  [[unroll]] for (int ky = 0; ky < 3; ++ky) {
    int iy = iy0 + ky;
    if (iy < 0 || iy >= p.in_h) continue;  // a padding row contributes nothing
    afpvec4 row[kSpanX];
    loadRow(c4, iy, ix0, row);
    [[unroll]] for (int i = 0; i < kTileX; ++i)
      [[unroll]] for (int kx = 0; kx < 3; ++kx) acc[i] += row[i * kStride + kx] * w[ky * 3 + kx];
  }

  // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
  bvec4 real = lessThan(ivec4(c4 * 4) + ivec4(0, 1, 2, 3), ivec4(p.channels));
  uint out_base = c4hw4Index(c4, uint(oy), 0, uint(p.out_h), uint(p.out_w));
  [[unroll]] for (int i = 0; i < kTileX; ++i) {
    int ox = ox0 + i;
    if (ox < p.out_w) dst[out_base + uint(ox)] = sfp4(mix(afpvec4(0), activate(acc[i], p.clip_min, p.clip_max), real));
  }
}
