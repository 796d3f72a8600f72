#version 450
// Max or average pooling (MODE_MAX / MODE_AVG), one output vec4 per
// invocation: x over output width, y over output height, z over channel blocks.
// The host guarantees padding < kernel, so every window holds an input cell.
#include "types.glsl"
#include "layout.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

layout(std430, binding = 0) readonly buffer In { sfpvec4 src[]; };
layout(std430, binding = 1) writeonly buffer Out { sfpvec4 dst[]; };

layout(push_constant) uniform Push {
  int in_w, in_h;
  int out_w, out_h;
  int channels;  // real channel count: lanes at or past it are padding
  int kernel_w, kernel_h;
  int stride_w, stride_h;
  int pad_left, pad_top;
  uint count_include_pad;
} p;

afpvec4 load(uint c4, int y, int x) { return afp4(src[c4hw4Index(c4, uint(y), uint(x), uint(p.in_h), uint(p.in_w))]); }

void main() {
  ivec2 o = ivec2(gl_GlobalInvocationID.xy);
  uint c4 = gl_GlobalInvocationID.z;
  if (o.x >= p.out_w || o.y >= p.out_h) return;

  // Window clipped to the input: padded cells take no part in max or sum.
  ivec2 start = o * ivec2(p.stride_w, p.stride_h) - ivec2(p.pad_left, p.pad_top);
  ivec2 lo = max(start, ivec2(0));
  ivec2 hi = min(start + ivec2(p.kernel_w, p.kernel_h), ivec2(p.in_w, p.in_h));

#if defined(MODE_MAX)
  // Seeded from a real cell, not 0 or -inf, so all-negative windows stay exact.
  afpvec4 result = load(c4, lo.y, lo.x);
  for (int y = lo.y; y < hi.y; ++y)
    for (int x = lo.x; x < hi.x; ++x) result = max(result, load(c4, y, x));
#elif defined(MODE_AVG)
  afpvec4 sum = afpvec4(0);
  for (int y = lo.y; y < hi.y; ++y) {
    // Per-row partial sums keep fp16 rounding small for large (global) windows.
    afpvec4 row = afpvec4(0);
    for (int x = lo.x; x < hi.x; ++x) row += load(c4, y, x);
    sum += row;
  }
  ivec2 extent = hi - lo;
  int cells = p.count_include_pad != 0u ? p.kernel_w * p.kernel_h : extent.x * extent.y;
  afpvec4 result = sum / afp(cells);
#else
#error "one of MODE_MAX, MODE_AVG must be defined"
#endif

  // Padding lanes are written as exact zeros whatever the input's padding holds.
  bvec4 real = lessThan(ivec4(int(c4) * 4) + ivec4(0, 1, 2, 3), ivec4(p.channels));
  dst[c4hw4Index(c4, uint(o.y), uint(o.x), uint(p.out_h), uint(p.out_w))] = sfp4(mix(afpvec4(0), result, real));
}
