// Pipelines from embedded SPIR-V with push and specialization constants,
// the on-disk pipeline cache, barriers and timestamps.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "engine/pipeline.h"
#include "engine/pipeline_cache.h"
#include "engine/recorder.h"
#include "engine/timestamps.h"
#include "engine/transfer.h"
#include "shader_registry.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"

namespace vkpose::test {
namespace {

struct SelftestPush {
  uint32_t count;
  float scale;
};
VKPOSE_PUSH_CONSTANTS(SelftestPush);

uint32_t floatBits(float f) { return std::bit_cast<uint32_t>(f); }

// One selftest dispatch of `desc` (a selftest variant, 64-wide workgroups)
// reading `in`: returns out[i] = in[i] * scale + the desc's offset for `count`
// floats, from an output poisoned with NaN first.
std::vector<float> dispatchSelftest(Context& ctx, const PipelineDesc& desc, const BufferBinding& in, uint32_t count,
                                    float scale, TimestampQueries* timestamps = nullptr) {
  Pipeline pipeline(ctx, desc);
  Buffer out = ctx.allocator().createBuffer(count * 4, MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx);
  BufferBinding bindings[] = {in, bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline, bindings);
  CommandRecorder rec(ctx);
  rec.begin();
  if (timestamps) rec.resetTimestamps(*timestamps);
  rec.fill(out, 0x7FC00000u);
  rec.barrier(Stage::Transfer, Stage::Compute, "poison fill lands before the kernel writes");
  if (timestamps) rec.timestamp(*timestamps, "start");
  rec.dispatch(pipeline, set, SelftestPush{count, scale}, {(count + 63) / 64, 1, 1});
  if (timestamps) rec.timestamp(*timestamps, "selftest");
  rec.end();
  rec.submitAndWait();
  std::vector<float> result(count);
  downloadFromBuffer(ctx, out, result.data(), count * 4);
  return result;
}

class Pipelines : public GpuTest {
 protected:
  // Runs out[i] = in[i] * scale + offset over `count` floats.
  std::vector<float> runSelftest(uint32_t count, float scale, float offset, TimestampQueries* timestamps = nullptr) {
    Buffer in = ctx().allocator().createBuffer(count * 4, MemoryUsage::DeviceLocal);
    std::vector<float> data(count);
    for (uint32_t i = 0; i < count; ++i) data[i] = float(i) - 100.f;
    uploadToBuffer(ctx(), in, data.data(), count * 4);
    PipelineDesc desc{"selftest_fp32", 2, sizeof(SelftestPush), {64, 1, 1}, {floatBits(offset)}};
    return dispatchSelftest(ctx(), desc, bind(in), count, scale, timestamps);
  }
};

TEST_F(Pipelines, PushAndSpecializationConstantsReachTheShader) {
  std::vector<float> out = runSelftest(1000, 2.5f, 7.f);
  for (uint32_t i = 0; i < 1000; ++i) ASSERT_EQ(out[i], (float(i) - 100.f) * 2.5f + 7.f) << "at " << i;
}

TEST_F(Pipelines, CountNotAMultipleOfTheWorkgroup) {
  std::vector<float> out = runSelftest(65, 1.f, 0.f);
  EXPECT_EQ(out[64], -36.f);
}

TEST_F(Pipelines, TimestampsMeasureTheDispatch) {
  if (!ctx().caps().timestamps) GTEST_SKIP() << "device has no timestamp queries on its compute queue";
  TimestampQueries timestamps(ctx(), 4);
  runSelftest(1 << 16, 1.f, 0.f, &timestamps);
  auto spans = timestamps.results();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].label, "selftest");
  EXPECT_GT(spans[0].ms, 0.0);
  EXPECT_LT(spans[0].ms, 10000.0);
}

TEST_F(Pipelines, UnknownShaderIsAClearError) {
  try {
    Pipeline p(ctx(), {"no_such_kernel_fp32", 2, 0, {64, 1, 1}, {}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_kernel_fp32"), std::string::npos) << e.what();
  }
}

TEST_F(Pipelines, PushConstantSizeMismatchIsRefused) {
  Pipeline pipeline(ctx(), {"selftest_fp32", 2, sizeof(SelftestPush), {64, 1, 1}, {0}});
  Buffer a = ctx().allocator().createBuffer(16, MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx());
  BufferBinding bindings[] = {bind(a), bind(a)};
  VkDescriptorSet set = arena.allocate(pipeline, bindings);
  CommandRecorder rec(ctx());
  rec.begin();
  EXPECT_THROW(rec.dispatch(pipeline, set, uint32_t(4), {1, 1, 1}), Error);
  rec.end();
}

TEST_F(Pipelines, BarrierNeedsAReason) {
  CommandRecorder rec(ctx());
  rec.begin();
  EXPECT_THROW(rec.barrier(Stage::Compute, Stage::Compute, ""), Error);
  rec.barrier(Stage::Compute, Stage::Compute, "a reason");
  EXPECT_EQ(rec.barrierReasons().size(), 1u);
  rec.end();
}

TEST_F(Pipelines, DescriptorArenaGrowsPastOnePool) {
  Pipeline pipeline(ctx(), {"selftest_fp32", 2, sizeof(SelftestPush), {64, 1, 1}, {0}});
  Buffer a = ctx().allocator().createBuffer(16, MemoryUsage::DeviceLocal);
  DescriptorArena arena(ctx(), 4);
  BufferBinding bindings[] = {bind(a), bind(a)};
  for (int i = 0; i < 20; ++i) EXPECT_NE(arena.allocate(pipeline, bindings), VK_NULL_HANDLE);
}

// ---- texel-buffer bindings (runtime/ops/load_path.h) ----

class TexelBindings : public GpuTest {
 protected:
  static constexpr uint32_t kCount = 64;
  static PipelineDesc texelDesc() {
    PipelineDesc desc{"selftest_texel_fp32", 2, sizeof(SelftestPush), {64, 1, 1}, {floatBits(1.f)}};
    desc.texel_buffers = 1u << 0;
    desc.texel_format = VK_FORMAT_R32G32B32A32_SFLOAT;
    return desc;
  }
  uint64_t alignment() { return std::max<uint64_t>(ctx().caps().min_texel_buffer_offset_alignment, 16); }
  // Binds `in` from `offset` (range `range`) as the texel input and returns out[i] = in[i] * 2 + 1.
  std::vector<float> run(const Buffer& in, uint64_t offset, uint64_t range) {
    return dispatchSelftest(ctx(), texelDesc(), {in.handle(), offset, range}, kCount, 2.f);
  }
};

TEST_F(TexelBindings, InputFromAnAlignedOffsetReachesTheShader) {
  uint64_t offset = alignment() * 3;
  uint32_t total = uint32_t(offset / 4) + kCount;
  std::vector<float> data(total);
  for (uint32_t i = 0; i < total; ++i) data[i] = float(i) * 0.5f - 7.f;
  Buffer in = ctx().allocator().createBuffer(total * 4, MemoryUsage::DeviceLocal);
  uploadToBuffer(ctx(), in, data.data(), total * 4);
  std::vector<float> out = run(in, offset, kCount * 4);
  for (uint32_t i = 0; i < kCount; ++i) ASSERT_EQ(out[i], data[offset / 4 + i] * 2.f + 1.f) << "at " << i;
}

TEST_F(TexelBindings, MisalignedOffsetIsAClearError) {
  if (ctx().caps().min_texel_buffer_offset_alignment <= 1)
    GTEST_SKIP() << "the device accepts texel buffers at any offset";
  Buffer in = ctx().allocator().createBuffer(alignment() * 4 + kCount * 4, MemoryUsage::DeviceLocal);
  uint64_t misaligned = ctx().caps().min_texel_buffer_offset_alignment / 2;
  expectError([&] { run(in, misaligned, kCount * 4); }, "minTexelBufferOffsetAlignment");
}

TEST_F(TexelBindings, RangeOfPartTexelsIsAClearError) {
  Buffer in = ctx().allocator().createBuffer(kCount * 4, MemoryUsage::DeviceLocal);
  expectError([&] { run(in, 0, kCount * 4 - 4); }, "not whole texels");
  expectError([&] { run(in, 0, VK_WHOLE_SIZE); }, "not whole texels");
}

TEST_F(TexelBindings, DescMistakesAreRefusedByName) {
  PipelineDesc past_end = texelDesc();
  past_end.texel_buffers = 1u << 2;
  expectError([&] { Pipeline p(ctx(), past_end); }, "texel buffer is marked past its 2 buffers");
  PipelineDesc no_format = texelDesc();
  no_format.texel_format = VK_FORMAT_UNDEFINED;
  expectError([&] { Pipeline p(ctx(), no_format); }, "need a texel format");
}

TEST_F(Pipelines, EveryEmbeddedVariantIsValidSpirv) {
  for (const auto& blob : shaders::all()) {
    ASSERT_GT(blob.word_count, 5u) << blob.name;
    EXPECT_EQ(blob.words[0], 0x07230203u) << blob.name << " lacks the SPIR-V magic number";
  }
}

class PipelineCacheFile : public GpuTest {
 protected:
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("vkpose-cache-test-" + std::to_string(::getpid()));
  std::filesystem::path file = dir / "cache.bin";
  void TearDown() override {
    std::filesystem::remove_all(dir);
    GpuTest::TearDown();
  }
};

TEST_F(PipelineCacheFile, SavedCacheIsLoadedNextTime) {
  {
    PipelineCache cache(ctx().device(), ctx().caps(), file.string());
    EXPECT_FALSE(cache.loadedFromDisk());
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  PipelineCache again(ctx().device(), ctx().caps(), file.string());
  EXPECT_TRUE(again.loadedFromDisk());
  EXPECT_TRUE(again.warning().empty());
}

TEST_F(PipelineCacheFile, CorruptFileIsIgnoredWithAWarning) {
  std::filesystem::create_directories(dir);
  std::ofstream(file, std::ios::binary) << "this is not a pipeline cache at all, just some bytes.............";
  PipelineCache cache(ctx().device(), ctx().caps(), file.string());
  EXPECT_FALSE(cache.loadedFromDisk());
  EXPECT_FALSE(cache.warning().empty());
}

TEST_F(PipelineCacheFile, TruncatedFileIsIgnored) {
  std::filesystem::create_directories(dir);
  std::ofstream(file, std::ios::binary) << "abc";
  PipelineCache cache(ctx().device(), ctx().caps(), file.string());
  EXPECT_FALSE(cache.loadedFromDisk());
  EXPECT_NE(cache.warning().find("shorter"), std::string::npos) << cache.warning();
}

TEST_F(PipelineCacheFile, ForeignDeviceHeaderIsIgnored) {
  { PipelineCache cache(ctx().device(), ctx().caps(), file.string()); }
  std::vector<char> bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GE(bytes.size(), 32u);
  bytes[8] ^= 0x5A;  // vendorID
  std::ofstream(file, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  PipelineCache cache(ctx().device(), ctx().caps(), file.string());
  EXPECT_FALSE(cache.loadedFromDisk());
  EXPECT_NE(cache.warning().find("another device"), std::string::npos) << cache.warning();
}

TEST_F(PipelineCacheFile, EmptyPathKeepsCacheInMemory) {
  PipelineCache cache(ctx().device(), ctx().caps(), "");
  EXPECT_FALSE(cache.loadedFromDisk());
  EXPECT_NO_THROW(cache.save());
}

}  // namespace
}  // namespace vkpose::test
