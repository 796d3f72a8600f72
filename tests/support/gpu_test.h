// GPU test harness: one Context per test binary (device creation is slow on
// lavapipe), and a fixture that fails any test during which the validation
// layer reported anything.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "engine/context.h"
#include "runtime/tensor.h"

namespace vkpose::test {

// The binary's shared context; created on first use with validation as the
// environment says (ctest sets VKPOSE_VALIDATION=1).
Context& gpu();

class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;  // fails the test if validation messages arrived
  Context& ctx() { return gpu(); }
};

// Skips the calling test, saying why, when the device lacks the precision.
#define VKPOSE_REQUIRE_PRECISION(p)                                                                      \
  do {                                                                                                   \
    if (!::vkpose::deviceSupports(::vkpose::test::gpu(), p))                                             \
      GTEST_SKIP() << "device " << ::vkpose::test::gpu().caps().device_name << " lacks precision "     \
                   << ::vkpose::precisionSuffix(p);                                                      \
  } while (0)

// Queues in the family the context's queues come from: the most frame queues it could have.
uint32_t queuesInComputeFamily(const Context& ctx);

// Fills the tensor's buffer with NaN so unwritten outputs can't pass.
void poison(Context& ctx, const Tensor& tensor);

// Relative tolerance of an op's output against the double reference.
double tolerance(Precision p);

}  // namespace vkpose::test
