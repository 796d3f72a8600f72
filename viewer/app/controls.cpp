#include "viewer/app/controls.h"

#include <algorithm>
#include <cmath>

namespace vkpose::view {

int stepInputSize(int current, int stride, int direction) {
  int next = current + direction * stride;
  if (next < kKeyMinInputSize) return std::max(current, kKeyMinInputSize);
  if (next > kKeyMaxInputSize) return std::min(current, kKeyMaxInputSize);
  // Sizes off the stride grid (an odd --input-size) snap onto it.
  int k = (next - 1) / stride;
  return std::clamp(1 + k * stride, kKeyMinInputSize, kKeyMaxInputSize);
}

float stepMinConfidence(float current, int direction) {
  float steps = std::round(current / 0.05f) + float(direction);
  return std::clamp(steps * 0.05f, 0.0f, 0.95f);
}

}  // namespace vkpose::view
