// Read-only vec4 arrays (input tensors, weights, bias), selected by one
// LOAD_* define per variant:
//   LOAD_SSBO   storage buffers
//   LOAD_TEXEL  uniform texel buffers (the host binds R32G32B32A32 or
//               R16G16B16A16 views, runtime/ops/load_path.h)
// Why both: llvmpipe (Mesa 22.3) runs each storage-buffer load lane by lane,
// but gathers a texel fetch as one vector; GPUs were tuned on storage buffers.
// Declare with VEC4_INPUT(binding, name); read with LOAD4 (in the arithmetic
// type) or LOAD4_F32 (as vec4, e.g. for subgroup shuffles).
#ifndef VKPOSE_TENSOR_IO_GLSL
#define VKPOSE_TENSOR_IO_GLSL

#include "types.glsl"

#if defined(LOAD_TEXEL)
#define VEC4_INPUT(binding_index, name) layout(binding = binding_index) uniform samplerBuffer name;
#define LOAD4_F32(name, index) texelFetch(name, int(index))
#define LOAD4(name, index) afp4(texelFetch(name, int(index)))
#elif defined(LOAD_SSBO)
#define VEC4_INPUT(binding_index, name) \
  layout(std430, binding = binding_index) readonly buffer name##_block { sfpvec4 name[]; };
#define LOAD4_F32(name, index) vec4(name[index])
#define LOAD4(name, index) afp4(name[index])
#else
#error "one of LOAD_SSBO, LOAD_TEXEL must be defined"
#endif

#endif
