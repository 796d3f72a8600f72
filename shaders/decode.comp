#version 450
// Keypoint decoding (runtime/ops/decode.h): invocation k turns heatmap k's
// argmax into a frame position and score; invocation 0 then averages the
// scores into the pose score. Everything is computed in fp32 whatever the
// storage precision: frame positions reach thousands of pixels, where fp16
// steps are half a pixel.
#include "types.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

const uint kKeypoints = 17;  // runtime/keypoints.h

struct Candidate {
  float value;  // heatmap logit
  uint index;   // row-major cell y * W + x
};
struct Keypoint {
  float x, y;  // frame pixels
  float score;
  uint cell;
};

layout(std430, binding = 0) readonly buffer Argmax { Candidate best[]; };
// 34 channels: offset y of keypoint k in channel k, offset x in channel 17 + k.
layout(std430, binding = 1) readonly buffer Offsets { sfpvec4 offsets[]; };
// Mirrored by vkpose::PoseGpu.
layout(std430, binding = 2) writeonly buffer Out {
  Keypoint keypoints[kKeypoints];
  float pose_score;
};

layout(push_constant) uniform Push {
  uint width;  // heatmap width
  uint plane;  // heatmap H * W
  float output_stride;
  float scale_x, scale_y;    // FrameMapping: frame = model * scale + offset
  float offset_x, offset_y;
} p;

shared float s_score[kKeypoints];

float offsetAt(uint channel, uint cell) { return vec4(offsets[(channel / 4) * p.plane + cell])[channel % 4]; }

void main() {
  uint k = gl_LocalInvocationID.x;
  if (k < kKeypoints) {
    Candidate c = best[k];
    float model_y = float(c.index / p.width) * p.output_stride + offsetAt(k, c.index);
    float model_x = float(c.index % p.width) * p.output_stride + offsetAt(kKeypoints + k, c.index);
    float score = 1.0 / (1.0 + exp(-c.value));
    keypoints[k] = Keypoint(model_x * p.scale_x + p.offset_x, model_y * p.scale_y + p.offset_y, score, c.index);
    s_score[k] = score;
  }
  barrier();
  if (k == 0) {
    // A fixed summation order keeps the pose score identical run to run.
    float sum = 0.0;
    for (uint i = 0; i < kKeypoints; ++i) sum += s_score[i];
    pose_score = sum / float(kKeypoints);
  }
}
