#version 450
// One pass of the per-channel argmax over the heatmaps (runtime/ops/argmax.h).
// Workgroup (b, c) reduces block b of channel c's candidates to one
// (value, index) pair: each invocation folds ITEMS candidates in registers,
// then a shared-memory tree folds the workgroup. The op repeats passes until
// one pair per channel is left.
//   PASS_PLANE  candidates are the heatmap's cells (C4HW4, storage precision),
//               the index is the cell's row-major position y * W + x
//   PASS_MERGE  candidates are the pairs an earlier pass wrote
// The order (ties to the lower index, NaN last) is in argmax_reduce.glsl.
#include "types.glsl"

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(constant_id = 3) const uint ITEMS = 1;  // candidates each invocation folds before the tree
#include "argmax_reduce.glsl"

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
  uint first = gl_WorkGroupID.x * gl_WorkGroupSize.x * ITEMS + gl_LocalInvocationID.x;
  Candidate best = reduceBlock(channel, first, p.count);
  if (gl_LocalInvocationID.x == 0) reduced[channel * gl_NumWorkGroups.x + gl_WorkGroupID.x] = best;
}
