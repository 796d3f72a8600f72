// GPU tensors in the engine's C4HW4 layout (docs/tensor-layout.md) and the
// host-side conversions tests and the runtime use to move CHW data in and out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/memory.h"
#include "engine/pipeline.h"
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

// A tensor in a buffer it does not own, from a byte offset: the executor's
// activations share one arena buffer. Ops record with views; a Tensor is a
// view of its whole buffer.
struct TensorView {
  Shape shape;
  Precision precision = Precision::FP32;
  const Buffer* buffer = nullptr;
  uint64_t offset = 0;

  TensorView() = default;
  // Throws when the tensor does not fit in `buffer` from `offset`.
  TensorView(Shape shape, Precision precision, const Buffer& buffer, uint64_t offset);
  TensorView(const Tensor& tensor);  // NOLINT(google-explicit-constructor): every Tensor is a view
  uint64_t bytes() const { return shape.vec4Count() * 4 * storageBytes(precision); }
};

// The descriptor range of exactly the view's bytes.
BufferBinding bind(const TensorView& view);

// CHW floats <-> C4HW4 floats (padding lanes zero).
std::vector<float> packC4HW4(const std::vector<float>& chw, Shape shape);
std::vector<float> unpackC4HW4(const std::vector<float>& packed, Shape shape);

// Floats converted to the precision's storage format, as raw bytes.
std::vector<uint8_t> toStorage(const std::vector<float>& values, Precision p);
std::vector<float> fromStorage(const std::vector<uint8_t>& bytes, Precision p);

// Blocking helpers for set-up and tests.
void uploadTensor(Context& ctx, const TensorView& tensor, const std::vector<float>& chw);
std::vector<float> downloadTensor(Context& ctx, const TensorView& tensor);
// Creates a device buffer holding `values` in the precision's storage format.
Buffer uploadConstants(Context& ctx, const std::vector<float>& values, Precision p);

// Poison word per precision: a quiet NaN in every scalar, so a kernel that
// leaves an output unwritten fails the comparison.
uint32_t poisonWord(Precision p);

}  // namespace vkpose
