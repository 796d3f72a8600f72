// Reading a frame and computing one normalised model pixel from it: bilinear
// resize with TF's legacy mapping exactly as tools/oracle/preprocess.js
// (window position d * span / N, taps floor and min(ceil, span - 1) within
// the window), black outside the frame, then normalisation. Arithmetic is
// fp32 in every variant. Include after a push block `p` holding
// preprocess_fields.glsl; the frame is binding 0.
#ifndef VKPOSE_FRAME_SOURCE_GLSL
#define VKPOSE_FRAME_SOURCE_GLSL

// SOURCE_BUFFER: the frame as bytes packed in words (RGB8 pixels and
// arbitrary row strides are not word aligned). SOURCE_SAMPLED and
// SOURCE_STORAGE: a host engine's 8-bit UNORM image, read texel by texel
// (the bilinear taps below must match the reference exactly, so no hardware
// filtering).
#if defined(SOURCE_SAMPLED)
layout(binding = 0) uniform sampler2D frame_image;
#elif defined(SOURCE_STORAGE)
layout(binding = 0, rgba8) readonly uniform image2D frame_image;
#else
layout(std430, binding = 0) readonly buffer Frame { uint frame_words[]; };
#endif

// The two window positions a model pixel blends and the second one's weight.
// d * span / N is computed in integers, so floor, ceil and the fraction are
// exact where preprocess.js's float64 product is (to its rounding).
struct Tap {
  int lo;
  int hi;
  float frac;
};

Tap tapFor(uint d, uint span) {
  uint scaled = d * span;
  uint lo = scaled / p.model_size;
  uint remainder = scaled - lo * p.model_size;
  uint hi = min(remainder == 0u ? lo : lo + 1u, span - 1u);
  return Tap(int(lo), int(hi), float(remainder) / float(p.model_size));
}

#if defined(SOURCE_SAMPLED) || defined(SOURCE_STORAGE)
// UNORM8 texels come back as c / 255; rounding restores the byte exactly.
vec3 framePixel(int x, int y) {
#if defined(SOURCE_SAMPLED)
  vec4 texel = texelFetch(frame_image, ivec2(x, y), 0);
#else
  vec4 texel = imageLoad(frame_image, ivec2(x, y));
#endif
  return round(texel.rgb * 255.0);
}
#else
uint frameByte(uint address) { return (frame_words[address >> 2] >> ((address & 3u) * 8u)) & 0xffu; }

vec3 framePixel(int x, int y) {
  uint base = uint(y) * p.row_stride + uint(x) * p.pixel_bytes;
  return vec3(frameByte(base + p.red_byte), frameByte(base + p.green_byte), frameByte(base + p.blue_byte));
}
#endif

// RGB of window pixel (x, y) of the frame; black outside it (letterbox
// padding, a crop region past the frame's edge).
vec3 pixel(int x, int y) {
  if (x < 0 || y < 0 || x >= int(p.frame_width) || y >= int(p.frame_height)) return vec3(0.0);
  return framePixel(x, y);
}

// The normalised RGB of model pixel d (both coordinates below model_size).
vec3 modelPixel(uvec2 d) {
  Tap col = tapFor(d.x, p.span_x);
  Tap row = tapFor(d.y, p.span_y);
  int x0 = p.origin_x + col.lo, x1 = p.origin_x + col.hi;
  int y0 = p.origin_y + row.lo, y1 = p.origin_y + row.hi;
  vec3 top_left = pixel(x0, y0), top_right = pixel(x1, y0);
  vec3 bottom_left = pixel(x0, y1), bottom_right = pixel(x1, y1);
  // The same association as preprocess.js, so rounding follows it closely.
  vec3 top = top_left + (top_right - top_left) * col.frac;
  vec3 bottom = bottom_left + (bottom_right - bottom_left) * col.frac;
  vec3 resized = top + (bottom - top) * row.frac;
  return resized / p.divisor + vec3(p.bias_r, p.bias_g, p.bias_b);
}

#endif
