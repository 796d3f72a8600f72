#version 450
// Dense 2D convolution (groups = 1) with bias and a fused activation.
// One invocation computes one output pixel for OUT_BLOCKS consecutive
// output channel blocks (4 channels each), so every input vec4 it loads
// feeds 4 * OUT_BLOCKS output channels. Taps that fall in the padding are
// skipped, which is zero padding. Weight layout: runtime/ops/conv2d.h.
#include "types.glsl"
#include "activation.glsl"
#include "layout.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint OUT_BLOCKS = 2;

layout(std430, binding = 0) readonly buffer In { sfpvec4 src[]; };
layout(std430, binding = 1) readonly buffer Weights { sfpvec4 weights[]; };
layout(std430, binding = 2) readonly buffer Bias { sfpvec4 bias[]; };
layout(std430, binding = 3) writeonly buffer Out { sfpvec4 dst[]; };

layout(push_constant) uniform Push {
  uint in_w, in_h, in_c4;
  uint out_w, out_h, out_c4;
  uint out_channels;  // real channel count: lanes at or past it are padding
  int kernel_w, kernel_h;
  int stride_w, stride_h;
  int dilation_w, dilation_h;
  int pad_left, pad_top;
  float clip_min, clip_max;
} p;

afpvec4 tapProduct(afpvec4 x, uint w) {
  return x.x * afp4(weights[w]) + x.y * afp4(weights[w + 1]) + x.z * afp4(weights[w + 2]) +
         x.w * afp4(weights[w + 3]);
}

void store(uint oc4, uint oy, uint ox, afpvec4 acc) {
  if (oc4 >= p.out_c4) return;
  afpvec4 v = activate(acc, p.clip_min, p.clip_max);
  // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
  bvec4 real = lessThan(uvec4(oc4 * 4) + uvec4(0, 1, 2, 3), uvec4(p.out_channels));
  dst[c4hw4Index(oc4, oy, ox, p.out_h, p.out_w)] = sfp4(mix(afpvec4(0), v, real));
}

void main() {
  uint ox = gl_GlobalInvocationID.x;
  uint oy = gl_GlobalInvocationID.y;
  uint first_oc4 = gl_GlobalInvocationID.z * OUT_BLOCKS;
  if (ox >= p.out_w || oy >= p.out_h || first_oc4 >= p.out_c4) return;

  // Weights and bias hold whole groups of OUT_BLOCKS blocks (rounded up on the
  // host), so a block past out_c4 reads zeros rather than out of bounds.
  afpvec4 acc[OUT_BLOCKS];
  for (uint b = 0; b < OUT_BLOCKS; ++b) acc[b] = afp4(bias[first_oc4 + b]);

  uint taps = uint(p.kernel_h * p.kernel_w);
  uint block_stride = p.in_c4 * taps * 4;  // vec4s of weights per output block
  int y0 = int(oy) * p.stride_h - p.pad_top;
  int x0 = int(ox) * p.stride_w - p.pad_left;
  for (int ky = 0; ky < p.kernel_h; ++ky) {
    int iy = y0 + ky * p.dilation_h;
    if (iy < 0 || iy >= int(p.in_h)) continue;
    for (int kx = 0; kx < p.kernel_w; ++kx) {
      int ix = x0 + kx * p.dilation_w;
      if (ix < 0 || ix >= int(p.in_w)) continue;
      uint tap = uint(ky * p.kernel_w + kx);
      for (uint ic4 = 0; ic4 < p.in_c4; ++ic4) {
        afpvec4 x = afp4(src[c4hw4Index(ic4, uint(iy), uint(ix), p.in_h, p.in_w)]);
        uint w = first_oc4 * block_stride + (ic4 * taps + tap) * 4;
        for (uint b = 0; b < OUT_BLOCKS; ++b) acc[b] += tapProduct(x, w + b * block_stride);
      }
    }
  }

  for (uint b = 0; b < OUT_BLOCKS; ++b) store(first_oc4 + b, oy, ox, acc[b]);
}
