// Wall-clock timing of set-up steps (Context and Estimator creation), which
// vkpose-bench reports as parts of cold start.
#pragma once

#include <chrono>

namespace vkpose {

// Runs `step` and adds its duration, in ms, to `ms`.
template <class Step>
void timed(double& ms, Step&& step) {
  auto start = std::chrono::steady_clock::now();
  step();
  ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace vkpose
