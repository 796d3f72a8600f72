// IEEE binary16 conversion (fp16 weights and tensors), round to nearest even.
#pragma once

#include <cstdint>

namespace vkpose {

uint16_t floatToHalf(float value);
float halfToFloat(uint16_t bits);

}  // namespace vkpose
