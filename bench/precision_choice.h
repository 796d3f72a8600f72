// --precision auto|fp32|fp16 (BenchOptions::fp16) as the Estimator, the
// cold-start child's command line and the report see it.
#pragma once

#include <optional>
#include <string>

#include "runtime/tensor.h"

namespace vkpose::bench {

// Unset (auto): left to the Estimator, which picks the device's preferred precision.
inline std::optional<Precision> estimatorPrecision(std::optional<bool> fp16) {
  if (!fp16) return std::nullopt;
  return *fp16 ? Precision::FP16Storage : Precision::FP32;
}

inline const char* precisionArgument(std::optional<bool> fp16) {
  if (!fp16) return "auto";
  return *fp16 ? "fp16" : "fp32";
}

// What the report calls the precision the Estimator ran at.
inline std::string precisionLabel(Precision ran, bool device_chose) {
  std::string label = ran == Precision::FP32 ? "fp32" : "fp16 (storage)";
  return device_chose ? label + ", the device's default" : label;
}

}  // namespace vkpose::bench
