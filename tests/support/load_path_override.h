// Kernel tests run each case on both load paths (runtime/ops/load_path.h) on
// every device: the device's default, and the other one under this guard,
// so lavapipe keeps the GPUs' storage-buffer kernels tested and GPUs the
// texel ones.
#pragma once

#include <optional>
#include <string>

#include "engine/capabilities.h"
#include "runtime/ops/load_path.h"
#include "tests/support/gpu_test.h"
#include "tests/support/scoped_env.h"

namespace vkpose::test {

// While it lives, ops made on a device with `caps` use the load path that
// device does not default to (through VKPOSE_LOAD_PATH, restored after).
class OtherLoadPath {
 public:
  explicit OtherLoadPath(const Capabilities& caps);

  LoadPath path() const { return path_; }

 private:
  ScopedEnv variable_{"VKPOSE_LOAD_PATH", std::nullopt};  // unset, so defaultLoadPath shows the device's own
  LoadPath path_;
};

// The path ops made now on a device with `caps` use (VKPOSE_LOAD_PATH included).
inline LoadPath currentLoadPath(const Capabilities& caps) { return defaultLoadPath(caps); }

}  // namespace vkpose::test

// For a parametrised GpuTest fixture whose parameter has `.precision` and
// which defines expectMatchesReference(param, LoadPath): the test on the
// device's default load path and the same on the other one.
#define VKPOSE_TEST_P_ON_BOTH_LOAD_PATHS(Fixture)                                       \
  TEST_P(Fixture, MatchesReference) {                                                   \
    VKPOSE_REQUIRE_PRECISION(GetParam().precision);                                     \
    expectMatchesReference(GetParam(), ::vkpose::test::currentLoadPath(ctx().caps()));  \
  }                                                                                     \
  TEST_P(Fixture, MatchesReferenceOnTheOtherLoadPath) {                                 \
    VKPOSE_REQUIRE_PRECISION(GetParam().precision);                                     \
    ::vkpose::test::OtherLoadPath other(ctx().caps());                                  \
    expectMatchesReference(GetParam(), other.path());                                   \
  }
