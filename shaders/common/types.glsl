// Precision prelude, selected by one PREC_* define per variant:
//   PREC_FP32   fp32 storage, fp32 arithmetic
//   PREC_FP16S  fp16 storage, fp32 arithmetic (needs storageBuffer16BitAccess)
//   PREC_FP16A  fp16 storage, fp16 arithmetic (also needs shaderFloat16)
// sfp* is the type held in buffers, afp* the type kernels compute and
// accumulate in. Convert with afp4()/sfp4() at load and store.
#ifndef VKPOSE_TYPES_GLSL
#define VKPOSE_TYPES_GLSL

#if defined(PREC_FP32)
#define sfp float
#define sfpvec4 vec4
#define afp float
#define afpvec4 vec4
#elif defined(PREC_FP16S)
#extension GL_EXT_shader_16bit_storage : require
#define sfp float16_t
#define sfpvec4 f16vec4
#define afp float
#define afpvec4 vec4
#elif defined(PREC_FP16A)
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define sfp float16_t
#define sfpvec4 f16vec4
#define afp float16_t
#define afpvec4 f16vec4
#else
#error "one of PREC_FP32, PREC_FP16S, PREC_FP16A must be defined"
#endif

#define afp4(v) afpvec4(v)
#define sfp4(v) sfpvec4(v)

#endif
