#version 450
// Dense 2D convolution (groups = 1) with bias and a fused activation.
// One invocation computes PIXELS adjacent output pixels of a row for
// OUT_BLOCKS consecutive output channel blocks (4 channels each): every input
// vec4 it loads feeds 4 * OUT_BLOCKS output channels, and every weight vec4
// feeds PIXELS pixels. The latter matters on CPU devices, where llvmpipe
// loads even a uniform weight lane by lane; GPUs broadcast such loads and run
// PIXELS = 1. Taps that fall in the padding read zero (zero padding).
// Weight layout: runtime/ops/conv2d.h.
#include "types.glsl"
#include "tensor_io.glsl"
#include "activation.glsl"
#include "layout.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint OUT_BLOCKS = 2;
layout(constant_id = 4) const uint PIXELS = 1;

VEC4_INPUT(0, src)
VEC4_INPUT(1, weights)
VEC4_INPUT(2, bias)
layout(std430, binding = 3) writeonly buffer Out { sfpvec4 dst[]; };

layout(push_constant) uniform Push {
  uint in_w, in_h, in_c4;
  uint out_w, out_h, out_c4;
  uint out_channels;  // real channel count: lanes at or past it are padding
#include "conv_window_fields.glsl"
} p;

void store(uint oc4, uint oy, uint ox, afpvec4 acc) {
  if (oc4 >= p.out_c4 || ox >= p.out_w) return;
  afpvec4 v = activate(acc, p.clip_min, p.clip_max);
  // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
  bvec4 real = lessThan(uvec4(oc4 * 4) + uvec4(0, 1, 2, 3), uvec4(p.out_channels));
  dst[c4hw4Index(oc4, oy, ox, p.out_h, p.out_w)] = sfp4(mix(afpvec4(0), v, real));
}

// Input vec4 (ic4, iy, ix), or zero in the padding.
afpvec4 inputAt(uint ic4, int iy, int ix) {
  bool inside = iy >= 0 && iy < int(p.in_h) && ix >= 0 && ix < int(p.in_w);
  uint clamped = c4hw4Index(ic4, uint(clamp(iy, 0, int(p.in_h) - 1)), uint(clamp(ix, 0, int(p.in_w) - 1)),
                            p.in_h, p.in_w);
  return inside ? LOAD4(src, clamped) : afpvec4(0);
}

void main() {
  uint first_ox = gl_GlobalInvocationID.x * PIXELS;
  uint oy = gl_GlobalInvocationID.y;
  uint first_oc4 = gl_GlobalInvocationID.z * OUT_BLOCKS;
  if (first_ox >= p.out_w || oy >= p.out_h || first_oc4 >= p.out_c4) return;

  // Weights and bias hold whole groups of OUT_BLOCKS blocks (rounded up on the
  // host), so a block past out_c4 reads zeros rather than out of bounds.
  afpvec4 acc[OUT_BLOCKS][PIXELS];
  for (uint b = 0; b < OUT_BLOCKS; ++b)
    for (uint k = 0; k < PIXELS; ++k) acc[b][k] = LOAD4(bias, first_oc4 + b);

  uint taps = uint(p.kernel_h * p.kernel_w);
  uint block_stride = p.in_c4 * taps * 4;  // vec4s of weights per output block
  int y0 = int(oy) * p.stride_h - p.pad_top;
  int x0 = int(first_ox) * p.stride_w - p.pad_left;
  for (int ky = 0; ky < p.kernel_h; ++ky) {
    int iy = y0 + ky * p.dilation_h;
    if (iy < 0 || iy >= int(p.in_h)) continue;
    for (int kx = 0; kx < p.kernel_w; ++kx) {
      uint tap = uint(ky * p.kernel_w + kx);
      for (uint ic4 = 0; ic4 < p.in_c4; ++ic4) {
        afpvec4 x[PIXELS];
        for (uint k = 0; k < PIXELS; ++k) x[k] = inputAt(ic4, iy, x0 + int(k) * p.stride_w + kx * p.dilation_w);
        uint w = first_oc4 * block_stride + (ic4 * taps + tap) * 4;
        for (uint b = 0; b < OUT_BLOCKS; ++b) {
          uint wb = w + b * block_stride;
          afpvec4 w0 = LOAD4(weights, wb), w1 = LOAD4(weights, wb + 1);
          afpvec4 w2 = LOAD4(weights, wb + 2), w3 = LOAD4(weights, wb + 3);
          for (uint k = 0; k < PIXELS; ++k) acc[b][k] += x[k].x * w0 + x[k].y * w1 + x[k].z * w2 + x[k].w * w3;
        }
      }
    }
  }

  for (uint b = 0; b < OUT_BLOCKS; ++b)
    for (uint k = 0; k < PIXELS; ++k) store(first_oc4 + b, oy, first_ox + k, acc[b][k]);
}
