#version 450
// Preprocessing and the network's first layer, a dense convolution over the
// 3 normalised channels, in one dispatch (runtime/ops/preprocess.h,
// PreprocessOp::record with a first conv). The model input is never stored,
// and the barrier between the two layers goes.
//
// Each workgroup first computes the model pixels its outputs read (a tile of
// TILE_W x TILE_H, zero in the conv's padding) from the frame into shared
// memory (frame_source.glsl), then each invocation computes one output pixel
// for OUT_BLOCKS output channel blocks from there: the workgroup's z
// invocations of a pixel split the conv's blocks (on GPUs, for small planes,
// one block each: more invocations to fill the GPU). Neighbouring
// workgroups recompute their tiles' shared edges: 17x17 model pixels for 8x8
// outputs of a 3x3 stride-2 window, 13% more than once each. Without the tile
// every invocation computed its own 9 taps, 2.25 times over, and the fused
// dispatch took as long as the two it replaced (docs/performance.md, step 23).
//
// Sums run in the order conv2d.comp's do (bias, then taps row by row), and
// the model pixels stay fp32, where a stored fp16 input would round them.
// Weights and bias: Conv2dOp's DenseC4 buffers (runtime/ops/conv2d.h) with
// one input block; lane 3 of every tap is zero, so it is skipped.
#include "types.glsl"
#include "activation.glsl"
#include "layout.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
// Output blocks per invocation: the workgroup's z invocations of a pixel
// split the conv's stored blocks between them, OUT_BLOCKS each.
layout(constant_id = 3) const uint OUT_BLOCKS = 1;
layout(constant_id = 4) const int ACTIVATION = kActNone;
layout(constant_id = 5) const uint TILE_W = 1;  // model pixels a workgroup's outputs read, per row
layout(constant_id = 6) const uint TILE_H = 1;  // and rows

layout(push_constant) uniform Push {
#include "preprocess_fields.glsl"
  uint out_w, out_h, out_c4;
  uint out_channels;  // real channel count: lanes at or past it are padding
#include "conv_window_fields.glsl"
} p;

#include "frame_source.glsl"

layout(std430, binding = 1) readonly buffer Weights { sfpvec4 weights[]; };
layout(std430, binding = 2) readonly buffer Bias { sfpvec4 bias[]; };
layout(std430, binding = 3) writeonly buffer Out { sfpvec4 dst[]; };

void store(uint oc4, uint oy, uint ox, vec4 acc) {
  if (oc4 >= p.out_c4) return;
  vec4 v = vec4(activateAs(ACTIVATION, afpvec4(acc), p.clip_min, p.clip_max));
  // Padding lanes stay exactly zero whatever the activation (sigmoid(0) != 0).
  bvec4 real = lessThan(uvec4(oc4 * 4) + uvec4(0, 1, 2, 3), uvec4(p.out_channels));
  dst[c4hw4Index(oc4, oy, ox, p.out_h, p.out_w)] = sfpvec4(mix(vec4(0), v, real));
}

shared vec3 tile[TILE_W * TILE_H];

// The model pixels this workgroup's outputs read, from model pixel `origin`.
void loadTile(ivec2 origin) {
  int size = int(p.model_size);
  uint invocations = gl_WorkGroupSize.x * gl_WorkGroupSize.y * gl_WorkGroupSize.z;
  for (uint i = gl_LocalInvocationIndex; i < TILE_W * TILE_H; i += invocations) {
    ivec2 at = origin + ivec2(i % TILE_W, i / TILE_W);
    bool inside = all(greaterThanEqual(at, ivec2(0))) && all(lessThan(at, ivec2(size)));
    tile[i] = inside ? modelPixel(uvec2(at)) : vec3(0);  // zero padding
  }
}

void main() {
  ivec2 stride = ivec2(p.stride_w, p.stride_h), dilation = ivec2(p.dilation_w, p.dilation_h);
  ivec2 first_output = ivec2(gl_WorkGroupID.xy * gl_WorkGroupSize.xy);
  loadTile(first_output * stride - ivec2(p.pad_left, p.pad_top));
  barrier();
  uint ox = gl_GlobalInvocationID.x, oy = gl_GlobalInvocationID.y;
  if (ox >= p.out_w || oy >= p.out_h) return;

  uint first_block = gl_LocalInvocationID.z * OUT_BLOCKS;
  vec4 acc[OUT_BLOCKS];
  for (uint b = 0; b < OUT_BLOCKS; ++b) acc[b] = vec4(bias[first_block + b]);

  uint taps = uint(p.kernel_h * p.kernel_w);
  uint block_stride = taps * 4;  // vec4s of weights per output block (one input block)
  ivec2 local = ivec2(gl_LocalInvocationID.xy) * stride;
  for (int ky = 0; ky < p.kernel_h; ++ky) {
    for (int kx = 0; kx < p.kernel_w; ++kx) {
      ivec2 at = local + ivec2(kx, ky) * dilation;
      vec3 x = tile[uint(at.y) * TILE_W + uint(at.x)];
      uint w = first_block * block_stride + uint(ky * p.kernel_w + kx) * 4;
      for (uint b = 0; b < OUT_BLOCKS; ++b) {
        uint wb = w + b * block_stride;
        acc[b] += x.x * vec4(weights[wb]) + x.y * vec4(weights[wb + 1]) + x.z * vec4(weights[wb + 2]);
      }
    }
  }
  for (uint b = 0; b < OUT_BLOCKS; ++b) store(first_block + b, oy, ox, acc[b]);
}
