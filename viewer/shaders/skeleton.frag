#version 450
#include "skeleton.glsl"

layout(location = 0) in vec2 position;
layout(location = 1) flat in vec4 segment;
layout(location = 2) flat in vec2 shape;  // radius, score

layout(location = 0) out vec4 colour;

void main() {
  vec2 a = segment.xy, ab = segment.zw - segment.xy;
  float h = clamp(dot(position - a, ab) / max(dot(ab, ab), 1e-8), 0.0, 1.0);
  float dist = length(position - a - ab * h);
  float coverage = clamp((shape.x - dist) * pc.pixels_per_unit + 0.5, 0.0, 1.0);
  if (coverage <= 0.0) discard;
  // The same ramp as `vkpose run --draw` (tools/vkpose/draw.cpp) and
  // viewer/render/layout.h's confidenceColour().
  float t = clamp((shape.y - pc.min_score) / max(1e-6, 1.0 - pc.min_score), 0.0, 1.0);
  colour = vec4(1.0 - t, t, 40.0 / 255.0, coverage);
}
