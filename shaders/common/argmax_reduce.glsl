// The argmax order and the workgroup fold, shared by the argmax passes
// (argmax.comp) and the decode that folds the heatmap itself (decode.comp,
// ARGMAX_FUSED). The including shader declares ITEMS (candidates each
// invocation folds before the tree) and defines load() after this file.
// Order: the higher value wins; equal values go to the lower index (ONNX and
// TF.js); NaN loses to every number and NaNs among themselves go to the lower
// index, so a plane that holds any number never reports a NaN.
#ifndef VKPOSE_ARGMAX_REDUCE_GLSL
#define VKPOSE_ARGMAX_REDUCE_GLSL

struct Candidate {
  float value;
  uint index;
};

const uint kNoIndex = 0xFFFFFFFFu;

shared float s_value[gl_WorkGroupSize.x];
shared uint s_index[gl_WorkGroupSize.x];

bool beats(Candidate a, Candidate b) {
  bool a_nan = isnan(a.value);
  bool b_nan = isnan(b.value);
  if (a_nan != b_nan) return b_nan;
  if (!a_nan && a.value != b.value) return a.value > b.value;
  return a.index < b.index;
}

// Candidate i (< count) of `channel`.
Candidate load(uint channel, uint i);

// The best of the workgroup's block of `channel`: candidates first + k *
// workgroup size for k < ITEMS, below count. Every invocation must call it;
// invocation 0 gets the block's winner.
Candidate reduceBlock(uint channel, uint first, uint count) {
  uint lid = gl_LocalInvocationID.x;
  // The empty candidate (NaN, kNoIndex) loses to every real one, NaN included.
  Candidate best = Candidate(uintBitsToFloat(0x7FC00000u), kNoIndex);
  for (uint k = 0; k < ITEMS; ++k) {
    // Stride by the workgroup size so neighbouring invocations read neighbouring cells.
    uint i = first + k * gl_WorkGroupSize.x;
    if (i < count) {
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
  return best;
}

#endif
