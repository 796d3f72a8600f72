// How the hot kernels (conv2d, depthwise 3x3, pointwise) read their inputs,
// weights and bias: the LOAD axis of shaders/CMakeLists.txt.
#pragma once

#include <initializer_list>

#include "engine/pipeline.h"
#include "runtime/tensor.h"

namespace vkpose {

struct Capabilities;

enum class LoadPath {
  Storage,  // storage buffers
  Texel,    // uniform texel buffers (tensor_io.glsl)
};

// Texel on CPU devices: Mesa 22.3's llvmpipe runs every storage-buffer load as
// a lane-by-lane loop but gathers a texel fetch as one vector, which took
// PoseNet at 257 from 178 to 52-60 ms on lavapipe (docs/performance.md,
// step 13). Storage on GPUs, whose tuning was measured that way.
// VKPOSE_LOAD_PATH=storage|texel overrides it, for tuning runs and for tests
// that cover both paths on one device; other values are ignored.
LoadPath defaultLoadPath(const Capabilities& caps);

const char* loadPathSuffix(LoadPath path);  // "ssbo", "texel": the shader variant axis

// Picks the `path` variant of a family with a LOAD axis: appends its suffix
// to desc.shader ("family_act_prec" -> "family_act_prec_texel") and, for
// Texel, marks `read_only_buffers` as texel buffers of the precision's
// format. One call, so the variant and its bindings always agree.
void applyLoadPath(PipelineDesc& desc, LoadPath path, Precision precision,
                   std::initializer_list<uint32_t> read_only_buffers);

// The path a desc made by applyLoadPath reads with.
inline LoadPath loadPathOf(const PipelineDesc& desc) {
  return desc.texel_buffers != 0 ? LoadPath::Texel : LoadPath::Storage;
}

}  // namespace vkpose
