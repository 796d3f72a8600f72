// Conv/add epilogue activation, selected by one ACT_* define per variant.
// Clip bounds come from push constants so ReLU6 and arbitrary Clip share SPIR-V.
#ifndef VKPOSE_ACTIVATION_GLSL
#define VKPOSE_ACTIVATION_GLSL

afpvec4 activate(afpvec4 v, float clip_min, float clip_max) {
#if defined(ACT_NONE)
  return v;
#elif defined(ACT_RELU)
  return max(v, afpvec4(0));
#elif defined(ACT_CLIP)
  return clamp(v, afpvec4(clip_min), afpvec4(clip_max));
#elif defined(ACT_SIGMOID)
  // Sigmoid in fp32 even for fp16 arithmetic: exp() of fp16 overflows early.
  return afpvec4(1.0 / (1.0 + exp(-vec4(v))));
#else
#error "one of ACT_NONE, ACT_RELU, ACT_CLIP, ACT_SIGMOID must be defined"
#endif
}

#endif
