#version 450
// Depthwise convolution for any kernel size, stride, dilation and asymmetric
// padding: the path for windows the 3x3 kernel (depthwise3x3.comp) does not
// cover. One invocation computes one output vec4 (four channels at one pixel).
// Layouts (runtime/ops/depthwise.h): weights one vec4 per (c4, ky, kx), bias
// one vec4 per c4, tensors C4HW4.
#include "types.glsl"
#include "activation.glsl"
#include "layout.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

layout(std430, binding = 0) readonly buffer Input { sfpvec4 src[]; };
layout(std430, binding = 1) readonly buffer Weights { sfpvec4 weights[]; };
layout(std430, binding = 2) readonly buffer Bias { sfpvec4 bias[]; };
layout(std430, binding = 3) writeonly buffer Out { sfpvec4 dst[]; };

layout(push_constant) uniform Push {
  int in_h, in_w;
  int out_h, out_w;
  int pad_top, pad_left;
  int channels;  // real channel count: lanes at or past it are padding
  int tiles_x;   // invocations per output row: out_w here
  float clip_min, clip_max;
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  int dilation_h, dilation_w;
} p;

void main() {
  int plane_id = int(gl_GlobalInvocationID.x);
  uint c4 = gl_GlobalInvocationID.z;
  if (plane_id >= p.tiles_x * p.out_h) return;
  int oy = plane_id / p.tiles_x;
  int ox = plane_id % p.tiles_x;

  afpvec4 acc = afp4(bias[c4]);
  int iy0 = oy * p.stride_h - p.pad_top;
  int ix0 = ox * p.stride_w - p.pad_left;
  for (int ky = 0; ky < p.kernel_h; ++ky) {
    int iy = iy0 + ky * p.dilation_h;
    if (iy < 0 || iy >= p.in_h) continue;  // padding contributes nothing
    uint in_row = c4hw4Index(c4, uint(iy), 0, uint(p.in_h), uint(p.in_w));
    uint w_row = (c4 * uint(p.kernel_h) + uint(ky)) * uint(p.kernel_w);
    for (int kx = 0; kx < p.kernel_w; ++kx) {
      int ix = ix0 + kx * p.dilation_w;
      if (ix < 0 || ix >= p.in_w) continue;
      acc += afp4(src[in_row + uint(ix)]) * afp4(weights[w_row + uint(kx)]);
    }
  }

  // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
  bvec4 real = lessThan(ivec4(c4 * 4) + ivec4(0, 1, 2, 3), ivec4(p.channels));
  dst[c4hw4Index(c4, uint(oy), uint(ox), uint(p.out_h), uint(p.out_w))] =
      sfp4(mix(afpvec4(0), activate(acc, p.clip_min, p.clip_max), real));
}
