#version 450
// HUD text and panels: triangles in target pixels, built on the CPU from
// stb_easy_font's quads.

layout(push_constant) uniform Push {
  vec2 to_ndc;  // 2 / target size
} pc;

layout(location = 0) in vec2 position;  // target pixels, origin top-left
layout(location = 1) in vec4 rgba;      // R8G8B8A8_UNORM

layout(location = 0) out vec4 vertex_colour;

void main() {
  vertex_colour = rgba;
  gl_Position = vec4(position * pc.to_ndc - 1.0, 0.0, 1.0);
}
