#include "runtime/tensor.h"

#include <bit>
#include <cstring>

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

uint16_t floatToHalf(float value) {
  uint32_t f = std::bit_cast<uint32_t>(value);
  uint32_t sign = (f >> 16) & 0x8000u;
  uint32_t abs = f & 0x7FFFFFFFu;
  if (abs >= 0x7F800000u) return uint16_t(sign | 0x7C00u | (abs > 0x7F800000u ? 0x200u : 0u));  // inf / nan
  if (abs >= 0x477FF000u) return uint16_t(sign | 0x7C00u);  // rounds past the largest half: inf
  if (abs < 0x38800000u) {                                  // subnormal or zero half
    // Adding 0.5 shifts the value so the float adder does the rounding.
    float shifted = std::bit_cast<float>(abs) + 0.5f;
    return uint16_t(sign | (std::bit_cast<uint32_t>(shifted) - 0x3F000000u));
  }
  uint32_t mantissa_odd = (abs >> 13) & 1u;
  abs += 0xC8000FFFu + mantissa_odd;  // rebias exponent (-112 << 23) and round to nearest even
  return uint16_t(sign | (abs >> 13));
}

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mant << 13));
  if (exp == 0) {
    float magnitude = float(mant) * (1.0f / 16777216.0f);  // mant * 2^-24
    return sign ? -magnitude : magnitude;
  }
  return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (mant << 13));
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

void uploadTensor(Context& ctx, const Tensor& tensor, const std::vector<float>& chw) {
  std::vector<uint8_t> bytes = toStorage(packC4HW4(chw, tensor.shape), tensor.precision);
  uploadToBuffer(ctx, tensor.buffer, bytes.data(), bytes.size());
}

std::vector<float> downloadTensor(Context& ctx, const Tensor& tensor) {
  std::vector<uint8_t> bytes(tensor.bytes());
  downloadFromBuffer(ctx, tensor.buffer, bytes.data(), bytes.size());
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
