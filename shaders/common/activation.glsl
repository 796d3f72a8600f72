// Conv/add epilogue activation, selected by one ACT_* define per variant.
// Clip bounds come from push constants so ReLU6 and arbitrary Clip share SPIR-V.
#ifndef VKPOSE_ACTIVATION_GLSL
#define VKPOSE_ACTIVATION_GLSL

// Activation kinds as numbers, in the order of vkpose::Activation, for
// kernels that fuse two layers and take the first one's activation as a
// specialization constant instead of multiplying their variants by four.
const int kActNone = 0;
const int kActRelu = 1;
const int kActClip = 2;
const int kActSigmoid = 3;

// `kind` is always a compile-time or specialization constant, so the
// branches fold away.
afpvec4 activateAs(int kind, afpvec4 v, float clip_min, float clip_max) {
  if (kind == kActRelu) return max(v, afpvec4(0));
  if (kind == kActClip) return clamp(v, afpvec4(clip_min), afpvec4(clip_max));
  // Sigmoid in fp32 even for fp16 arithmetic: exp() of fp16 overflows early.
  if (kind == kActSigmoid) return afpvec4(1.0 / (1.0 + exp(-vec4(v))));
  return v;
}

#if defined(ACT_NONE)
const int kAct = kActNone;
#elif defined(ACT_RELU)
const int kAct = kActRelu;
#elif defined(ACT_CLIP)
const int kAct = kActClip;
#elif defined(ACT_SIGMOID)
const int kAct = kActSigmoid;
#else
#error "one of ACT_NONE, ACT_RELU, ACT_CLIP, ACT_SIGMOID must be defined"
#endif

afpvec4 activate(afpvec4 v, float clip_min, float clip_max) { return activateAs(kAct, v, clip_min, clip_max); }

#endif
