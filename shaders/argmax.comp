#version 450
// One pass of the per-channel argmax over the heatmaps (runtime/ops/argmax.h).
// Workgroup (b, c) reduces block b of channel c's candidates to one
// (value, index) pair: each invocation folds ITEMS candidates in registers,
// then a shared-memory tree folds the workgroup. The op repeats passes until
// one pair per channel is left.
//   PASS_PLANE  candidates are the heatmap's cells (C4HW4, storage precision),
//               the index is the cell's row-major position y * W + x
//   PASS_MERGE  candidates are the pairs an earlier pass wrote
// Order: the higher value wins; equal values go to the lower index (ONNX and
// TF.js); NaN loses to every number and NaNs among themselves go to the lower
// index, so a plane that holds any number never reports a NaN.
#include "types.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint ITEMS = 1;  // candidates each invocation folds before the tree

struct Candidate {
  float value;
  uint index;
};

#if defined(PASS_PLANE)
layout(std430, binding = 0) readonly buffer In { sfpvec4 heatmap[]; };
#elif defined(PASS_MERGE)
layout(std430, binding = 0) readonly buffer In { Candidate candidates[]; };
#else
#error "one of PASS_PLANE, PASS_MERGE must be defined"
#endif
// Channel c's results of this pass: reduced[c * gl_NumWorkGroups.x + block].
layout(std430, binding = 1) writeonly buffer Out { Candidate reduced[]; };

layout(push_constant) uniform Push {
  uint count;  // candidates per channel in the input (H * W for the plane pass)
} p;

shared float s_value[gl_WorkGroupSize.x];
shared uint s_index[gl_WorkGroupSize.x];

const uint kNoIndex = 0xFFFFFFFFu;

bool beats(Candidate a, Candidate b) {
  bool a_nan = isnan(a.value);
  bool b_nan = isnan(b.value);
  if (a_nan != b_nan) return b_nan;
  if (!a_nan && a.value != b.value) return a.value > b.value;
  return a.index < b.index;
}

Candidate load(uint channel, uint i) {
#if defined(PASS_PLANE)
  // Channel c is lane c % 4 of block c / 4, whose plane holds `count` vec4s.
  return Candidate(vec4(heatmap[(channel / 4) * p.count + i])[channel % 4], i);
#else
  return candidates[channel * p.count + i];
#endif
}

void main() {
  uint channel = gl_WorkGroupID.y;
  uint lid = gl_LocalInvocationID.x;
  uint first = gl_WorkGroupID.x * gl_WorkGroupSize.x * ITEMS + lid;

  // The empty candidate (NaN, kNoIndex) loses to every real one, NaN included.
  Candidate best = Candidate(uintBitsToFloat(0x7FC00000u), kNoIndex);
  for (uint k = 0; k < ITEMS; ++k) {
    // Stride by the workgroup size so neighbouring invocations read neighbouring cells.
    uint i = first + k * gl_WorkGroupSize.x;
    if (i < p.count) {
      Candidate c = load(channel, i);
      if (beats(c, best)) best = c;
    }
  }
  s_value[lid] = best.value;
  s_index[lid] = best.index;
  barrier();

  for (uint half_size = gl_WorkGroupSize.x / 2; half_size > 0; half_size /= 2) {
    if (lid < half_size) {
      Candidate other = Candidate(s_value[lid + half_size], s_index[lid + half_size]);
      if (beats(other, best)) {
        best = other;
        s_value[lid] = best.value;
        s_index[lid] = best.index;
      }
    }
    barrier();
  }
  if (lid == 0) reduced[channel * gl_NumWorkGroups.x + gl_WorkGroupID.x] = best;
}
