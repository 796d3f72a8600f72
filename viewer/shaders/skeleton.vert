#version 450
#include "skeleton.glsl"

layout(location = 0) in vec4 ends;          // a.xy, b.xy in frame pixels
layout(location = 1) in vec2 radius_score;  // capsule radius (frame pixels), keypoint score

layout(location = 0) out vec2 position;     // frame pixels
layout(location = 1) flat out vec4 segment;
layout(location = 2) flat out vec2 shape;

const vec2 kCorners[6] = vec2[](vec2(0, -1), vec2(1, -1), vec2(0, 1), vec2(0, 1), vec2(1, -1), vec2(1, 1));

void main() {
  vec2 a = ends.xy, b = ends.zw;
  // One target pixel of margin so the anti-aliased edge is not clipped.
  float r = radius_score.x + 1.0 / pc.pixels_per_unit;
  vec2 d = b - a;
  float len = length(d);
  vec2 along = len > 1e-4 ? d / len : vec2(1, 0);
  vec2 across = vec2(-along.y, along.x);
  vec2 c = kCorners[gl_VertexIndex];
  position = mix(a - along * r, b + along * r, c.x) + across * (r * c.y);
  segment = ends;
  shape = radius_score;
  gl_Position = vec4(position * pc.scale + pc.offset, 0.0, 1.0);
}
