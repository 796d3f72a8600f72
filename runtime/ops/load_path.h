// How the hot kernels (conv2d, depthwise 3x3, pointwise) read their inputs,
// weights and bias: the LOAD axis of shaders/CMakeLists.txt.
#pragma once

#include <initializer_list>
#include <string>

#include "engine/pipeline.h"
#include "runtime/model/activation.h"
#include "runtime/tensor.h"

namespace vkpose {

struct Capabilities;

enum class LoadPath {
  Storage,  // storage buffers
  Texel,    // uniform texel buffers (tensor_io.glsl)
};

// Texel on CPU devices: Mesa 22.3's llvmpipe runs every storage-buffer load as
// a lane-by-lane loop but gathers a texel fetch as one vector, which took
// PoseNet at 257 from 178 to about 70 ms on lavapipe (docs/performance.md,
// step 13). Storage on GPUs, whose tuning was measured that way.
// VKPOSE_LOAD_PATH=storage|texel overrides it, for tuning runs and for tests
// that cover both paths on one device; other values are ignored.
LoadPath defaultLoadPath(const Capabilities& caps);

const char* loadPathSuffix(LoadPath path);  // "ssbo", "texel": the shader variant axis

// "family_act_prec_load", the naming scheme of the families with a LOAD axis.
std::string variantName(const std::string& family, Activation a, Precision p, LoadPath path);

// Marks `buffer_indices` of `desc` as texel buffers when the path is Texel.
void applyLoadPath(PipelineDesc& desc, LoadPath path, Precision precision, std::initializer_list<uint32_t> buffer_indices);

}  // namespace vkpose
