// GPU tensors in the engine's C4HW4 layout (docs/tensor-layout.md) and the
// host-side conversions tests and the runtime use to move CHW data in and out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/memory.h"
#include "runtime/model/half.h"
#include "runtime/model/shape.h"

namespace vkpose {

class Context;

enum class Precision {
  FP32,         // fp32 storage and arithmetic
  FP16Storage,  // fp16 storage, fp32 arithmetic
  FP16Arith,    // fp16 storage and arithmetic
};

const char* precisionSuffix(Precision p);  // "fp32", "fp16s", "fp16a": the shader variant axis
uint32_t storageBytes(Precision p);        // bytes per scalar in buffers
bool deviceSupports(const Context& ctx, Precision p);

struct Tensor {
  Shape shape;
  Precision precision = Precision::FP32;
  Buffer buffer;

  static Tensor create(Context& ctx, Shape shape, Precision precision);
  uint64_t bytes() const { return shape.vec4Count() * 4 * storageBytes(precision); }
};

// CHW floats <-> C4HW4 floats (padding lanes zero).
std::vector<float> packC4HW4(const std::vector<float>& chw, Shape shape);
std::vector<float> unpackC4HW4(const std::vector<float>& packed, Shape shape);

// Floats converted to the precision's storage format, as raw bytes.
std::vector<uint8_t> toStorage(const std::vector<float>& values, Precision p);
std::vector<float> fromStorage(const std::vector<uint8_t>& bytes, Precision p);

// Blocking helpers for set-up and tests.
void uploadTensor(Context& ctx, const Tensor& tensor, const std::vector<float>& chw);
std::vector<float> downloadTensor(Context& ctx, const Tensor& tensor);
// Creates a device buffer holding `values` in the precision's storage format.
Buffer uploadConstants(Context& ctx, const std::vector<float>& values, Precision p);

// Poison word per precision: a quiet NaN in every scalar, so a kernel that
// leaves an output unwritten fails the comparison.
uint32_t poisonWord(Precision p);

}  // namespace vkpose
