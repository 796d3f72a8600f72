#include "tests/support/op_test.h"

#include "engine/error.h"
#include "engine/transfer.h"

namespace vkpose::test {

std::vector<float> asStored(std::vector<float> values, Precision p) {
  if (p != Precision::FP32)
    for (float& v : values) v = halfToFloat(floatToHalf(v));
  return values;
}

std::vector<float> downloadPacked(Context& ctx, const Tensor& tensor) {
  std::vector<uint8_t> bytes(tensor.bytes());
  downloadFromBuffer(ctx, tensor.buffer, bytes.data(), bytes.size());
  return fromStorage(bytes, tensor.precision);
}

::testing::AssertionResult paddingLanesZero(const std::vector<float>& packed, Shape s) {
  size_t plane = size_t(s.h) * size_t(s.w);
  for (int c = s.c; c < s.c4() * 4; ++c)
    for (size_t i = 0; i < plane; ++i) {
      float v = packed[((size_t(c) / 4) * plane + i) * 4 + size_t(c) % 4];
      if (v != 0.f)
        return ::testing::AssertionFailure() << "padding lane of channel " << c << " at pixel " << i << " is " << v;
    }
  return ::testing::AssertionSuccess();
}

ref::Epilogue refEpilogue(const Epilogue& e) {
  ref::Activation act = ref::Activation::None;
  switch (e.activation) {
    case Activation::None: act = ref::Activation::None; break;
    case Activation::Relu: act = ref::Activation::Relu; break;
    case Activation::Clip: act = ref::Activation::Clip; break;
    case Activation::Sigmoid: act = ref::Activation::Sigmoid; break;
  }
  return {act, e.clip_min, e.clip_max};
}

void expectError(const std::function<void()>& action, const std::string& fragment) {
  try {
    action();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << "message: " << e.what();
    return;
  }
  ADD_FAILURE() << "no vkpose::Error thrown; expected one mentioning '" << fragment << "'";
}

}  // namespace vkpose::test
