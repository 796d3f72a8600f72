#version 450
// Keypoint decoding (runtime/ops/decode.h): keypoint k's argmax becomes a
// frame position and score; the 17 scores are then averaged into the pose
// score. Everything is computed in fp32 whatever the storage precision: frame
// positions reach thousands of pixels, where fp16 steps are half a pixel.
//   ARGMAX_SEPARATE  one workgroup; invocation k reads keypoint k's argmax
//                    from the argmax op's result.
//   ARGMAX_FUSED     workgroup k folds heatmap k itself (one argmax pass), so
//                    the decode needs no barrier and dispatch of its own
//                    (each costs several µs on a GPU). The workgroup that
//                    finishes last, counted with an atomic, averages the
//                    scores and resets the count for the next replay.
#include "types.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint ITEMS = 1;  // fused: heatmap cells each invocation folds
#include "argmax_reduce.glsl"

const uint kKeypoints = 17;  // runtime/keypoints.h

struct Keypoint {
  float x, y;  // frame pixels
  float score;
  uint cell;
};

#if defined(ARGMAX_FUSED)
layout(std430, binding = 0) readonly buffer Heatmap { sfpvec4 heatmap[]; };
#elif defined(ARGMAX_SEPARATE)
layout(std430, binding = 0) readonly buffer Argmax { Candidate best[]; };
#else
#error "one of ARGMAX_SEPARATE, ARGMAX_FUSED must be defined"
#endif
// 34 channels: offset y of keypoint k in channel k, offset x in channel 17 + k.
layout(std430, binding = 1) readonly buffer Offsets { sfpvec4 offsets[]; };
// Mirrored by vkpose::PoseGpu. Coherent: the last fused workgroup reads the
// scores the others wrote.
layout(std430, binding = 2) coherent buffer Out {
  Keypoint keypoints[kKeypoints];
  float pose_score;
};
#if defined(ARGMAX_FUSED)
layout(std430, binding = 3) coherent buffer Finished { uint finished; };
#endif

layout(push_constant) uniform Push {
  uint width;  // heatmap width
  uint plane;  // heatmap H * W
  float output_stride;
  float scale_x, scale_y;    // FrameMapping: frame = model * scale + offset
  float offset_x, offset_y;
} p;

float offsetAt(uint channel, uint cell) { return vec4(offsets[(channel / 4) * p.plane + cell])[channel % 4]; }

Candidate load(uint channel, uint i) {
#if defined(ARGMAX_FUSED)
  return Candidate(vec4(heatmap[(channel / 4) * p.plane + i])[channel % 4], i);
#else
  return best[channel];
#endif
}

float decodeKeypoint(uint k, Candidate c) {
  float model_y = float(c.index / p.width) * p.output_stride + offsetAt(k, c.index);
  float model_x = float(c.index % p.width) * p.output_stride + offsetAt(kKeypoints + k, c.index);
  float score = 1.0 / (1.0 + exp(-c.value));
  keypoints[k] = Keypoint(model_x * p.scale_x + p.offset_x, model_y * p.scale_y + p.offset_y, score, c.index);
  return score;
}

// A fixed summation order keeps the pose score identical run to run.
void writePoseScore() {
  float sum = 0.0;
  for (uint i = 0; i < kKeypoints; ++i) sum += keypoints[i].score;
  pose_score = sum / float(kKeypoints);
}

#if defined(ARGMAX_FUSED)
void main() {
  uint k = gl_WorkGroupID.y;
  Candidate c = reduceBlock(k, gl_LocalInvocationID.x, p.plane);
  if (gl_LocalInvocationID.x != 0) return;
  decodeKeypoint(k, c);
  memoryBarrierBuffer();  // this keypoint lands before the count says so
  if (atomicAdd(finished, 1u) != kKeypoints - 1) return;
  memoryBarrierBuffer();
  writePoseScore();
  finished = 0u;
}
#else
void main() {
  uint k = gl_LocalInvocationID.x;
  if (k < kKeypoints) decodeKeypoint(k, load(k, 0));
  memoryBarrierBuffer();
  barrier();
  if (k == 0) writePoseScore();
}
#endif
