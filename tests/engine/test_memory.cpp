// Sub-allocated buffers on the real device: sharing of blocks, host access,
// flush/invalidate paths and transfers.
#include <gtest/gtest.h>

#include <numeric>

#include "engine/error.h"
#include "engine/transfer.h"
#include "tests/support/gpu_test.h"

namespace vkpose::test {
namespace {

class Memory : public GpuTest {};

TEST_F(Memory, ManyBuffersShareOneBlock) {
  Allocator allocator(ctx().physicalDevice(), ctx().device(), 16u << 20);
  std::vector<Buffer> buffers;
  for (int i = 0; i < 100; ++i) buffers.push_back(allocator.createBuffer(4096 + uint64_t(i), MemoryUsage::DeviceLocal));
  MemoryStats stats = allocator.stats();
  EXPECT_EQ(stats.blocks, 1u) << "100 small buffers should not need 100 VkDeviceMemory objects";
  EXPECT_EQ(stats.live_buffers, 100u);
  buffers.clear();
  EXPECT_EQ(allocator.stats().used_bytes, 0u);
  EXPECT_EQ(allocator.stats().live_buffers, 0u);
}

TEST_F(Memory, LargeBufferGetsItsOwnBlock) {
  Allocator allocator(ctx().physicalDevice(), ctx().device(), 1u << 20);
  Buffer big = allocator.createBuffer(3u << 20, MemoryUsage::DeviceLocal);
  EXPECT_GE(allocator.stats().block_bytes, 3u << 20);
}

TEST_F(Memory, FreedSpaceIsReused) {
  Allocator allocator(ctx().physicalDevice(), ctx().device(), 1u << 20);
  { Buffer a = allocator.createBuffer(600u << 10, MemoryUsage::DeviceLocal); }
  Buffer b = allocator.createBuffer(600u << 10, MemoryUsage::DeviceLocal);
  EXPECT_EQ(allocator.stats().blocks, 1u);
}

// Mapped bytes stay the allocator's after their buffer is freed (blocks stay
// mapped), which is how the runtime refuses stale staging pointers.
TEST_F(Memory, MapsAddressCoversLiveAndFreedMappedBuffers) {
  Allocator allocator(ctx().physicalDevice(), ctx().device(), 1u << 20);
  const uint8_t* freed = nullptr;
  {
    Buffer upload = allocator.createBuffer(4096, MemoryUsage::Upload);
    ASSERT_TRUE(upload.hostVisible());
    EXPECT_TRUE(allocator.mapsAddress(upload.mapped(), 4096));
    EXPECT_TRUE(allocator.mapsAddress(upload.mapped() + 4095, 1));
    EXPECT_TRUE(allocator.mapsAddress(upload.mapped() - 16, 17)) << "a range ending on the buffer's first byte";
    freed = upload.mapped();
  }
  EXPECT_TRUE(allocator.mapsAddress(freed, 4096));
  EXPECT_FALSE(allocator.mapsAddress(freed, 0)) << "an empty range shares no byte";
  std::vector<uint8_t> own(4096);
  EXPECT_FALSE(allocator.mapsAddress(own.data(), own.size()));
}

TEST_F(Memory, HostVisibleWriteThenRead) {
  Buffer upload = ctx().allocator().createBuffer(1000, MemoryUsage::Upload);
  Buffer readback = ctx().allocator().createBuffer(1000, MemoryUsage::Readback);
  ASSERT_TRUE(upload.hostVisible());
  ASSERT_TRUE(readback.hostVisible());
  std::vector<uint8_t> data(1000);
  std::iota(data.begin(), data.end(), uint8_t(3));
  upload.write(data.data(), data.size());
  std::vector<uint8_t> back(1000);
  upload.read(back.data(), back.size());
  EXPECT_EQ(back, data);
}

TEST_F(Memory, UploadDownloadThroughDeviceLocal) {
  Buffer device = ctx().allocator().createBuffer(1 << 16, MemoryUsage::DeviceLocal);
  std::vector<uint32_t> data(1 << 14);
  std::iota(data.begin(), data.end(), 7u);
  uploadToBuffer(ctx(), device, data.data(), data.size() * 4);
  std::vector<uint32_t> back(data.size(), 0);
  downloadFromBuffer(ctx(), device, back.data(), back.size() * 4);
  EXPECT_EQ(back, data);
}

TEST_F(Memory, OffsetAccessStaysInsideTheBuffer) {
  Buffer upload = ctx().allocator().createBuffer(64, MemoryUsage::Upload);
  uint32_t value = 42;
  upload.write(&value, 4, 60);
  uint32_t back = 0;
  upload.read(&back, 4, 60);
  EXPECT_EQ(back, 42u);
  EXPECT_THROW(upload.write(&value, 4, 62), Error);
}

TEST_F(Memory, DeviceLocalIsNotHostAccessible) {
  Buffer device = ctx().allocator().createBuffer(64, MemoryUsage::DeviceLocal);
  uint32_t value = 0;
  if (device.hostVisible()) GTEST_SKIP() << "device-local memory is host-visible on this device (UMA)";
  EXPECT_THROW(device.write(&value, 4), Error);
}

TEST_F(Memory, ZeroSizedBufferIsRefused) {
  EXPECT_THROW(ctx().allocator().createBuffer(0, MemoryUsage::DeviceLocal), Error);
}

}  // namespace
}  // namespace vkpose::test
