#version 450
// The video frame as a textured rectangle (letterboxed in a window, the
// whole target headless): four vertices of a triangle strip, no buffers.

layout(push_constant) uniform Push {
  vec2 ndc_min;  // top-left corner of the frame in normalised device coordinates
  vec2 ndc_max;  // bottom-right corner
} pc;

layout(location = 0) out vec2 uv;

void main() {
  vec2 corner = vec2(gl_VertexIndex & 1, gl_VertexIndex >> 1);
  uv = corner;
  gl_Position = vec4(mix(pc.ndc_min, pc.ndc_max, corner), 0.0, 1.0);
}
