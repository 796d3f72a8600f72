#version 450
// Elementwise a + b with a fused activation (residual connections).
// Operands and result share one C4HW4 shape, so the add runs over vec4s.
#include "types.glsl"
#include "activation.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

layout(std430, binding = 0) readonly buffer A { sfpvec4 a[]; };
layout(std430, binding = 1) readonly buffer B { sfpvec4 b[]; };
layout(std430, binding = 2) writeonly buffer Out { sfpvec4 dst[]; };

layout(push_constant) uniform Push {
  uint vec4_count;
  uint channels;  // real channel count: lanes at or past it are padding
  uint plane;     // H * W
  float clip_min;
  float clip_max;
} p;

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= p.vec4_count) return;
  afpvec4 v = activate(afp4(a[i]) + afp4(b[i]), p.clip_min, p.clip_max);
  // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
  uint c0 = (i / p.plane) * 4;
  bvec4 real = lessThan(uvec4(c0) + uvec4(0, 1, 2, 3), uvec4(p.channels));
  dst[i] = sfp4(mix(afpvec4(0), v, real));
}
