// Expected to FAIL (ctest WILL_FAIL): it makes an invalid Vulkan call inside a
// GpuTest, and the harness must turn the validation message into a failure.
#include <gtest/gtest.h>

#include "tests/support/gpu_test.h"

namespace vkpose::test {
namespace {

class ValidationCanary : public GpuTest {};

TEST_F(ValidationCanary, InvalidCallFailsTheTest) {
  // Skipping exits 0, which WILL_FAIL turns into a failure: a canary without
  // validation proves nothing.
  if (!ctx().validationEnabled()) GTEST_SKIP() << "validation is off";
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = 0;  // invalid: VUID-VkBufferCreateInfo-size-00912
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  VkBuffer buffer = VK_NULL_HANDLE;
  vkCreateBuffer(ctx().device(), &info, nullptr, &buffer);
  if (buffer) vkDestroyBuffer(ctx().device(), buffer, nullptr);
}

}  // namespace
}  // namespace vkpose::test
