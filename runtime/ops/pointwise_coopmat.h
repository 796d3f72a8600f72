// PointwiseOp's tensor-core kernel (shaders/pointwise_coopmat.comp): NV
// cooperative matrices, fp16 16x16x16 products summed in fp32, for the fp16
// precisions on devices that have them. Only the kernel's own parts live
// here: what it needs from the device, its tiling, its weight matrix and its
// dispatch; PointwiseOp chooses it and owns the buffers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/capabilities.h"
#include "engine/pipeline.h"
#include "runtime/ops/epilogue.h"
#include "runtime/tensor.h"

namespace vkpose {

// How the weight matrix is stored: [k][n] (KMajor), [n][k] (NMajor: a
// lane's neighbouring K elements adjacent), or each 16x16 matrix step
// stored whole, [n / 16][k / 16][n % 16][k % 16] (Tiles: one load reads 512
// adjacent bytes).
enum class CoopMatWeightLayout : uint32_t { KMajor = 0, NMajor = 1, Tiles = 2 };

// A workgroup computes m_tiles x 16 pixels by subgroups x n_tiles x 16
// output channels; each subgroup takes all the pixels and its own channels.
// The shape defaults were the fastest of 12 tilings at 513 on an H200 (then
// with no prefetch), and of 5 prefetch depths; the load batch and weight
// layout defaults are step 25's (docs/performance.md).
struct CoopMatTiling {
  uint32_t m_tiles = 2;
  uint32_t n_tiles = 1;
  uint32_t subgroups = 4;
  uint32_t prefetch = 4;  // weight steps requested ahead of their products (0: each just before)
  // Input vec4s an invocation requests before storing any into shared
  // memory, and the bias requested before the products (0: neither).
  uint32_t load_batch = 8;
  CoopMatWeightLayout weights = CoopMatWeightLayout::Tiles;

  uint32_t blockPixels() const { return 16 * m_tiles; }
  uint32_t blockChannels() const { return 16 * n_tiles * subgroups; }
};

// Empty when the device can run the kernel at `precision`, otherwise what it lacks.
std::string coopMatMissing(const Capabilities& caps, Precision precision);

// Whether a layer with these channel counts (out_channels 0: not known) over
// a plane of `plane` pixels (0: not known) runs on tensor cores, and with
// which tiling. Only fp16 layers do (fp32 layers keep fp32 products), on
// devices that have the kernel, and by default only layers where it won on an
// H200 (docs/performance.md, steps 15 and 16): planes of 17x17 and up (it
// lost on 11x11), inputs of 48 channels and up (it lost on the 24-channel
// first layer), outputs of 48 and up (PoseNet's 17- to 34-channel heads ran
// faster on the other kernel), with 16-pixel tiles up to 17x17 and 32-pixel
// tiles above, and 128-channel blocks on large layers whose channels fill
// them (step 25).
// VKPOSE_POINTWISE_COOPMAT overrides that, for tuning: 0 = never, all = every
// fp16 layer, m_tiles,n_tiles,subgroups[,prefetch[,load_batch]] = every fp16 layer with that tiling.
// VKPOSE_COOPMAT_SHAPE=m_tiles,n_tiles,subgroups[,m,n,s for planes from 600
// pixels] replaces the rule's tilings (on the layers it chooses), VKPOSE_COOPMAT_PREFETCH=n (0..8)
// sets the prefetch depth, VKPOSE_COOPMAT_LOAD_BATCH=n (0..32) the load batch,
// VKPOSE_COOPMAT_WEIGHTS=kn|nk|tiles their weight layout (every tiling).
std::optional<CoopMatTiling> defaultCoopMatTiling(const Capabilities& caps, Precision precision, int in_channels,
                                                  uint64_t plane, int out_channels = 0);

// Throws an Error naming what the device lacks or what does not fit.
void validateCoopMat(const Capabilities& caps, Precision precision, const CoopMatTiling& tiling, int in_channels);

// The weight matrix is kPad x nPad, laid out as the tiling says: input
// channels rounded up to the 16 of a matrix step, output channels up to a
// whole workgroup block.
uint32_t coopMatKPad(int in_channels);
uint32_t coopMatNPad(int out_channels, const CoopMatTiling& tiling);
// Where weight (k, n) lies in that matrix.
size_t matrixIndex(CoopMatWeightLayout layout, uint32_t k, uint32_t n, uint32_t k_pad, uint32_t n_pad);
// DenseC4 weights (pointwise.h) as that matrix, padding zero.
std::vector<float> coopMatWeights(const std::vector<float>& dense_c4, int out_channels, int in_channels,
                                  const CoopMatTiling& tiling);

PipelineDesc coopMatPointwiseDesc(Activation activation, const CoopMatTiling& tiling, int in_channels);

struct CoopMatPush {
  uint32_t plane;
  uint32_t in_c4;
  uint32_t out_c4;
  uint32_t out_channels;
  uint32_t n_pad;
  float clip_min;
  float clip_max;
};
CoopMatPush coopMatPush(const Shape& in, const Shape& out, const CoopMatTiling& tiling, const Epilogue& epilogue);
std::array<uint32_t, 3> coopMatGroups(const Shape& out, const CoopMatTiling& tiling);

}  // namespace vkpose
