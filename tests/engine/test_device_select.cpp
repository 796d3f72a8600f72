// Device choice policy, without a GPU.
#include <gtest/gtest.h>

#include "engine/device_select.h"

namespace vkpose {
namespace {

DeviceSnapshot device(uint32_t index, const char* name, VkPhysicalDeviceType type,
                      uint32_t api = VK_API_VERSION_1_3, bool compute = true) {
  return {index, name, type, api, compute};
}

const std::vector<DeviceSnapshot> kMixed = {
    device(0, "llvmpipe (LLVM 15.0.6, 256 bits)", VK_PHYSICAL_DEVICE_TYPE_CPU),
    device(1, "Intel(R) UHD Graphics 630", VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU),
    device(2, "NVIDIA H100 80GB HBM3", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU),
    device(3, "Virtio GPU", VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU),
};

TEST(DeviceSelect, DiscreteBeatsIntegratedVirtualAndCpu) {
  DeviceChoice c = chooseDevice(kMixed, "");
  ASSERT_TRUE(c.index);
  EXPECT_EQ(*c.index, 2u);
  EXPECT_EQ(c.rejected.size(), 3u);
}

TEST(DeviceSelect, FullPreferenceOrder) {
  std::vector<DeviceSnapshot> devices = kMixed;
  devices.erase(devices.begin() + 2);  // no discrete
  EXPECT_EQ(*chooseDevice(devices, "").index, 1u);
  devices.erase(devices.begin() + 1);  // no integrated
  EXPECT_EQ(*chooseDevice(devices, "").index, 3u);
  devices.pop_back();  // only the CPU left
  EXPECT_EQ(*chooseDevice(devices, "").index, 0u);
}

TEST(DeviceSelect, SameTypeGoesToLowestIndex) {
  std::vector<DeviceSnapshot> devices = {device(0, "GPU A", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU),
                                         device(1, "GPU B", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU)};
  DeviceChoice c = chooseDevice(devices, "");
  EXPECT_EQ(*c.index, 0u);
  ASSERT_EQ(c.rejected.size(), 1u);
  EXPECT_NE(c.rejected[0].reason.find("same type"), std::string::npos);
}

TEST(DeviceSelect, OverrideByIndex) {
  DeviceChoice c = chooseDevice(kMixed, "0");
  ASSERT_TRUE(c.index);
  EXPECT_EQ(*c.index, 0u);
}

TEST(DeviceSelect, OverrideByCaseInsensitiveNameSubstring) {
  DeviceChoice c = chooseDevice(kMixed, "uhd graphics");
  ASSERT_TRUE(c.index);
  EXPECT_EQ(*c.index, 1u);
  EXPECT_NE(c.describeRejections().find("does not match VKPOSE_DEVICE=uhd graphics"), std::string::npos);
}

TEST(DeviceSelect, OverrideMatchingNothingFailsWithReason) {
  DeviceChoice c = chooseDevice(kMixed, "radeon");
  EXPECT_FALSE(c.index);
  EXPECT_NE(c.error.find("VKPOSE_DEVICE=radeon"), std::string::npos);
  EXPECT_EQ(c.rejected.size(), kMixed.size());
}

TEST(DeviceSelect, OverrideIndexOutOfRangeFails) {
  EXPECT_FALSE(chooseDevice(kMixed, "7").index);
}

TEST(DeviceSelect, UnusableDevicesAreRejectedWithReasons) {
  std::vector<DeviceSnapshot> devices = {
      device(0, "Old GPU", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_API_VERSION_1_0),
      device(1, "Graphics-only", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_API_VERSION_1_3, false),
      device(2, "llvmpipe", VK_PHYSICAL_DEVICE_TYPE_CPU)};
  DeviceChoice c = chooseDevice(devices, "");
  ASSERT_TRUE(c.index);
  EXPECT_EQ(*c.index, 2u);
  std::string text = c.describeRejections();
  EXPECT_NE(text.find("Vulkan 1.0 < required 1.1"), std::string::npos) << text;
  EXPECT_NE(text.find("no queue family supports compute"), std::string::npos) << text;
}

TEST(DeviceSelect, OverrideCannotPickAnUnusableDevice) {
  std::vector<DeviceSnapshot> devices = {device(0, "Old GPU", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_API_VERSION_1_0)};
  DeviceChoice c = chooseDevice(devices, "0");
  EXPECT_FALSE(c.index);
}

TEST(DeviceSelect, NoDevices) {
  DeviceChoice c = chooseDevice({}, "");
  EXPECT_FALSE(c.index);
  EXPECT_EQ(c.error, "no Vulkan physical devices found");
}

}  // namespace
}  // namespace vkpose
