#version 450
// Frame -> model input, one invocation per model pixel (frame_source.glsl):
// resize, normalise, and store C4HW4 with lane 3 zero. Only the stored
// tensor's precision differs between variants.
#include "types.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

layout(push_constant) uniform Push {
#include "preprocess_fields.glsl"
} p;

#include "frame_source.glsl"

layout(std430, binding = 1) writeonly buffer Out { sfpvec4 dst[]; };

void main() {
  uvec2 d = gl_GlobalInvocationID.xy;
  if (d.x >= p.model_size || d.y >= p.model_size) return;
  dst[d.y * p.model_size + d.x] = sfpvec4(vec4(modelPixel(d), 0.0));
}
