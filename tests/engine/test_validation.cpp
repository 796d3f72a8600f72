// The debug messenger really captures validation messages (the ctest
// "validation_canary_fails" proves they also fail a test).
#include <gtest/gtest.h>

#include "tests/support/gpu_test.h"

namespace vkpose::test {
namespace {

TEST(Validation, IsOnUnderCtest) {
  // ctest runs every test with VKPOSE_VALIDATION=1; a silently missing layer
  // would make every other test's "no messages" check meaningless.
  EXPECT_TRUE(gpu().validationEnabled());
}

TEST(Validation, InvalidCallIsCaptured) {
  if (!gpu().validationEnabled()) GTEST_SKIP() << "validation is off";
  gpu().validationLog().take();
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = 0;  // invalid on purpose
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  vkCreateBuffer(gpu().device(), &info, nullptr, &buffer);
  if (buffer) vkDestroyBuffer(gpu().device(), buffer, nullptr);
  auto messages = gpu().validationLog().take();
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages[0].find("VUID-VkBufferCreateInfo-size"), std::string::npos) << messages[0];
}

TEST(Validation, CapabilitySnapshotIsFilled) {
  const Capabilities& caps = gpu().caps();
  EXPECT_FALSE(caps.device_name.empty());
  EXPECT_GE(caps.api_version, VK_API_VERSION_1_1);
  EXPECT_GE(caps.max_workgroup_invocations, 128u);
  EXPECT_GT(caps.subgroup_size, 0u);
  EXPECT_GE(caps.max_push_constants_bytes, 128u);
  EXPECT_GT(caps.max_storage_buffer_range, 0u);
  EXPECT_NE(caps.describe().find("fp16 storage"), std::string::npos);
}

}  // namespace
}  // namespace vkpose::test
