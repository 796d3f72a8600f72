#include "runtime/tensor.h"

#include <cstring>
#include <string>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/transfer.h"

namespace vkpose {

const char* precisionSuffix(Precision p) {
  switch (p) {
    case Precision::FP32: return "fp32";
    case Precision::FP16Storage: return "fp16s";
    case Precision::FP16Arith: return "fp16a";
  }
  return "?";
}

uint32_t storageBytes(Precision p) { return p == Precision::FP32 ? 4 : 2; }

bool deviceSupports(const Context& ctx, Precision p) {
  switch (p) {
    case Precision::FP32: return true;
    case Precision::FP16Storage: return ctx.caps().storage_16bit;
    case Precision::FP16Arith: return ctx.caps().storage_16bit && ctx.caps().float16_arith;
  }
  return false;
}

Tensor Tensor::create(Context& ctx, Shape shape, Precision precision) {
  if (shape.c <= 0 || shape.h <= 0 || shape.w <= 0) throw Error("Tensor::create: empty shape " + shape.str());
  Tensor t;
  t.shape = shape;
  t.precision = precision;
  t.buffer = ctx.allocator().createBuffer(t.bytes(), MemoryUsage::DeviceLocal);
  return t;
}

TensorView::TensorView(Shape s, Precision p, const Buffer& storage, uint64_t byte_offset)
    : shape(s), precision(p), buffer(&storage), offset(byte_offset) {
  if (offset > storage.size() || bytes() > storage.size() - offset)
    throw Error("TensorView: " + shape.str() + " " + precisionSuffix(precision) + " (" + std::to_string(bytes()) +
                " bytes) at offset " + std::to_string(offset) + " overruns its " + std::to_string(storage.size()) +
                "-byte buffer");
}

TensorView::TensorView(const Tensor& tensor)
    : shape(tensor.shape), precision(tensor.precision), buffer(&tensor.buffer), offset(0) {}

BufferBinding bind(const TensorView& view) { return {view.buffer->handle(), view.offset, view.bytes()}; }

std::vector<float> packC4HW4(const std::vector<float>& chw, Shape s) {
  if (chw.size() != size_t(s.c) * s.h * s.w) throw Error("packC4HW4: data size does not match " + s.str());
  std::vector<float> packed(s.vec4Count() * 4, 0.f);
  size_t plane = size_t(s.h) * s.w;
  for (int c = 0; c < s.c; ++c)
    for (size_t i = 0; i < plane; ++i) packed[((c / 4) * plane + i) * 4 + c % 4] = chw[c * plane + i];
  return packed;
}

std::vector<float> unpackC4HW4(const std::vector<float>& packed, Shape s) {
  if (packed.size() != s.vec4Count() * 4) throw Error("unpackC4HW4: data size does not match " + s.str());
  size_t plane = size_t(s.h) * s.w;
  std::vector<float> chw(size_t(s.c) * plane);
  for (int c = 0; c < s.c; ++c)
    for (size_t i = 0; i < plane; ++i) chw[c * plane + i] = packed[((c / 4) * plane + i) * 4 + c % 4];
  return chw;
}

std::vector<uint8_t> toStorage(const std::vector<float>& values, Precision p) {
  std::vector<uint8_t> bytes(values.size() * storageBytes(p));
  if (p == Precision::FP32) {
    std::memcpy(bytes.data(), values.data(), bytes.size());
  } else {
    for (size_t i = 0; i < values.size(); ++i) {
      uint16_t h = floatToHalf(values[i]);
      std::memcpy(bytes.data() + 2 * i, &h, 2);
    }
  }
  return bytes;
}

std::vector<float> fromStorage(const std::vector<uint8_t>& bytes, Precision p) {
  std::vector<float> values(bytes.size() / storageBytes(p));
  if (p == Precision::FP32) {
    std::memcpy(values.data(), bytes.data(), values.size() * 4);
  } else {
    for (size_t i = 0; i < values.size(); ++i) {
      uint16_t h;
      std::memcpy(&h, bytes.data() + 2 * i, 2);
      values[i] = halfToFloat(h);
    }
  }
  return values;
}

void uploadTensor(Context& ctx, const TensorView& tensor, const std::vector<float>& chw) {
  std::vector<uint8_t> bytes = toStorage(packC4HW4(chw, tensor.shape), tensor.precision);
  uploadToBuffer(ctx, *tensor.buffer, bytes.data(), bytes.size(), tensor.offset);
}

std::vector<float> downloadTensor(Context& ctx, const TensorView& tensor) {
  std::vector<uint8_t> bytes(tensor.bytes());
  downloadFromBuffer(ctx, *tensor.buffer, bytes.data(), bytes.size(), tensor.offset);
  return unpackC4HW4(fromStorage(bytes, tensor.precision), tensor.shape);
}

Buffer uploadConstants(Context& ctx, const std::vector<float>& values, Precision p) {
  std::vector<uint8_t> bytes = toStorage(values, p);
  Buffer buffer = ctx.allocator().createBuffer(bytes.size(), MemoryUsage::DeviceLocal);
  uploadToBuffer(ctx, buffer, bytes.data(), bytes.size());
  return buffer;
}

uint32_t poisonWord(Precision p) { return p == Precision::FP32 ? 0x7FC00000u : 0x7E007E00u; }

}  // namespace vkpose
