#version 450
// Engine self-test kernel (tests/engine): out[i] = in[i] * scale + offset,
// where scale is a push constant and offset a specialization constant, so one
// dispatch exercises bindings, push and specialization constants together.
// The LOAD_TEXEL variant reads `in` through a uniform texel buffer
// (R32G32B32A32 texels, four floats each) instead of a storage buffer.
#include "types.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const float kOffset = 0.0;

#ifdef LOAD_TEXEL
layout(binding = 0) uniform samplerBuffer src_texels;
float source(uint i) { return texelFetch(src_texels, int(i / 4))[i % 4]; }
#else
layout(std430, binding = 0) readonly buffer Input { float src[]; };
float source(uint i) { return src[i]; }
#endif
layout(std430, binding = 1) writeonly buffer Output { float dst[]; };

layout(push_constant) uniform Push {
  uint count;
  float scale;
} p;

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= p.count) return;
  dst[i] = source(i) * p.scale + kOffset;
}
