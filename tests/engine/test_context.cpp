// Creating and destroying contexts: device override, clean teardown (ASan
// checks the destructor), and the error for a device that does not exist.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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

// The memory model (which the tensor-core kernel is written against) counts
// only with device scope, as the device itself reports both; cooperative
// matrices only with their feature.
TEST(Context, MemoryModelAndCooperativeMatricesFollowTheDevicesFeatures) {
  Context& ctx = gpu();
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceFeatures2 query{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  if (ctx.caps().api_version >= VK_API_VERSION_1_2) query.pNext = &v12;
  vkGetPhysicalDeviceFeatures2(ctx.physicalDevice(), &query);
  EXPECT_EQ(ctx.caps().vulkan_memory_model, v12.vulkanMemoryModel && v12.vulkanMemoryModelDeviceScope);
  if (!ctx.caps().cooperative_matrix_nv) {
    EXPECT_FALSE(ctx.caps().hasCooperativeMatrix(16, 16, 16, "fp16", "fp32"));
  }
}

// The SM count comes from VK_NV_shader_sm_builtins where the device has it
// (the H200: 132), and is 0 elsewhere (lavapipe).
TEST(Context, SmCountWhereTheDeviceReportsIt) {
  Context& ctx = gpu();
  bool reported = hasExtension(deviceExtensions(ctx.physicalDevice()), VK_NV_SHADER_SM_BUILTINS_EXTENSION_NAME);
  if (reported)
    EXPECT_GT(ctx.caps().sm_count, 0u);
  else
    EXPECT_EQ(ctx.caps().sm_count, 0u);
  EXPECT_EQ(ctx.caps().describe().find("SMs:") != std::string::npos, reported);
}

// As many frame queues as the compute family has, up to the cap; the first
// is queue() itself, and slots beyond the count wrap round.
TEST(Context, FrameQueuesComeFromTheComputeFamily) {
  Context& ctx = gpu();
  size_t expected = std::min<size_t>(queuesInComputeFamily(ctx), kMaxFrameQueues);
  ASSERT_EQ(ctx.frameQueueCount(), expected);
  EXPECT_EQ(ctx.frameQueue(0), ctx.queue());
  for (size_t i = 0; i < expected; ++i) {
    VkQueue q = VK_NULL_HANDLE;
    vkGetDeviceQueue(ctx.device(), ctx.queueFamily(), uint32_t(i), &q);
    EXPECT_EQ(ctx.frameQueue(i), q) << "frame queue " << i;
    EXPECT_EQ(ctx.frameQueue(i + expected), q) << "slot " << i + expected << " wraps round";
  }
}

TEST(Context, FrameQueuesStopAtTheRequestedCount) {
  for (uint32_t wanted = 1; wanted <= kMaxFrameQueues; ++wanted) {
    ContextOptions options;
    options.pipeline_cache_path = "";
    options.frame_queues = wanted;
    auto ctx = Context::create(options);
    EXPECT_EQ(ctx->frameQueueCount(), std::min(queuesInComputeFamily(*ctx), wanted)) << wanted << " wanted";
    EXPECT_EQ(ctx->frameQueue(0), ctx->queue());
  }
}

TEST(Context, FrameQueueCountOutsideItsRangeIsAnError) {
  for (uint32_t wanted : {0u, kMaxFrameQueues + 1}) {
    ContextOptions options;
    options.frame_queues = wanted;
    try {
      Context::create(options);
      FAIL() << "expected an error for " << wanted;
    } catch (const Error& e) {
      std::string expected = "frame_queues " + std::to_string(wanted) + " is outside 1.." + std::to_string(kMaxFrameQueues);
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace vkpose::test

namespace vkpose {
namespace {

// Versions as each vendor's tools print them.
TEST(Capabilities, DriverVersionTextFollowsTheVendor) {
  Capabilities nvidia;
  nvidia.vendor_id = 0x10DE;
  nvidia.driver_version = (580u << 22) | (159u << 14) | (4u << 6);
  EXPECT_EQ(nvidia.driverVersionText(), "580.159.04");
  nvidia.driver_version = (550u << 22) | (54u << 14) | (15u << 6);
  EXPECT_EQ(nvidia.driverVersionText(), "550.54.15");
  Capabilities mesa;
  mesa.vendor_id = 0x10005;
  mesa.driver_version = VK_MAKE_API_VERSION(0, 22, 3, 6);
  EXPECT_EQ(mesa.driverVersionText(), "22.3.6");
}

}  // namespace
}  // namespace vkpose
