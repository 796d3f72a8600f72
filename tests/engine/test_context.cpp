// Creating and destroying contexts: device override, clean teardown (ASan
// checks the destructor), and the error for a device that does not exist.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/pipeline.h"
#include "tests/support/gpu_test.h"

namespace vkpose::test {
namespace {

TEST(Context, OverrideByNameSelectsThatDevice) {
  std::string name = gpu().caps().device_name;
  ContextOptions options;
  options.device = name.substr(0, 4);
  options.pipeline_cache_path = "";
  auto ctx = Context::create(options);
  EXPECT_EQ(ctx->caps().device_name.substr(0, 4), name.substr(0, 4));
}

TEST(Context, OverrideMatchingNothingIsAnError) {
  ContextOptions options;
  options.device = "definitely-not-a-gpu";
  try {
    Context::create(options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("VKPOSE_DEVICE=definitely-not-a-gpu"), std::string::npos) << e.what();
  }
}

TEST(Context, CreateUseDestroyIsValidationClean) {
  ContextOptions options;
  options.validation = true;
  options.pipeline_cache_path = "";
  auto ctx = Context::create(options);
  {
    Buffer a = ctx->allocator().createBuffer(1 << 20, MemoryUsage::DeviceLocal);
    Buffer b = ctx->allocator().createBuffer(256, MemoryUsage::Readback);
    Pipeline p(*ctx, {"selftest_fp32", 2, 8, {64, 1, 1}, {0}});
  }
  EXPECT_EQ(ctx->validationLog().count(), 0u);
}

}  // namespace
}  // namespace vkpose::test
