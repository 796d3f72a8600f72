// A host engine embedding vkpose (docs/embedding.md): the test creates its own
// instance, device and queue (tests/support/host_device.h), renders a photo
// into its own images and buffers, and hands both to the Estimator. The poses
// must equal the golden TF.js keypoints exactly as the host-memory path does,
// with no copy of the frame, and the host's own validation layer must stay
// silent throughout.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/error.h"
#include "runtime/capi/vkpose_vulkan.h"
#include "runtime/estimator.h"
#include "runtime/ops/pointwise_coopmat.h"
#include "tests/support/golden_pose.h"
#include "tests/support/host_device.h"
#include "tests/support/op_test.h"

namespace vkpose {
namespace {

using test::expectError;
using test::expectGoldenPose;
using test::HostBuffer;
using test::HostDevice;
using test::HostImage;
using test::photo;

constexpr const char* kPhoto = "pose.jpg";

class Embedding : public ::testing::Test {
 protected:
  void TearDown() override {
    estimator_.reset();  // before the host's device goes
    for (const std::string& m : host_.takeValidationMessages()) ADD_FAILURE() << "validation message: " << m;
  }

  Estimator& estimator(int frames_in_flight = 1, Precision precision = Precision::FP32,
                       FirstConvFusion fusion = FirstConvFusion::Auto) {
    EstimatorOptions options;
    options.model_path = test::testModelPath();
    options.precision = precision;
    options.frames_in_flight = frames_in_flight;
    options.fuse_first_conv = fusion;
    options.external_device = host_.external();
    estimator_ = std::make_unique<Estimator>(options);
    return *estimator_;
  }

  // The photo in a device-local image of `format`, as a host engine's render target.
  std::unique_ptr<HostImage> photoImage(VkFormat format, VkImageUsageFlags usage, VkImageLayout layout,
                                        VkSemaphore signal = VK_NULL_HANDLE) {
    const test::RgbImage& image = photo(kPhoto);
    PixelFormat order = format == VK_FORMAT_B8G8R8A8_UNORM ? PixelFormat::BGRA8 : PixelFormat::RGBA8;
    auto target = std::make_unique<HostImage>(host_, image.width, image.height, format, usage);
    target->upload(host_, test::fourBytePixels(image, order, uint32_t(image.width) * 4), layout, signal);
    return target;
  }

  GpuFrame imageFrame(const HostImage& image, GpuFrame::Kind kind, VkImageLayout layout) {
    return GpuFrame::fromImage(kind, image.image, image.format, image.width, image.height, layout);
  }

  void expectGoldenBufferFrame(Estimator& est);

  HostDevice host_;
  std::unique_ptr<Estimator> estimator_;
};

// Each frame source with the first layer separate and inside preprocessing.
const FirstConvFusion kFirstConvPlaces[] = {FirstConvFusion::Off, FirstConvFusion::On};

const char* placeName(FirstConvFusion fusion) {
  return fusion == FirstConvFusion::On ? "first conv inside preprocessing" : "first conv separate";
}

TEST_F(Embedding, SampledImagesGiveTheGoldenKeypoints) {
  for (FirstConvFusion fusion : kFirstConvPlaces) {
    SCOPED_TRACE(placeName(fusion));
    Estimator& est = estimator(1, Precision::FP32, fusion);
    EXPECT_FALSE(est.context().ownsDevice());
    EXPECT_EQ(est.context().device(), host_.device());
    for (VkFormat format : {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_UNORM}) {
      SCOPED_TRACE(format == VK_FORMAT_R8G8B8A8_UNORM ? "RGBA8" : "BGRA8");
      for (VkImageLayout layout : {VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_IMAGE_LAYOUT_GENERAL}) {
        auto image = photoImage(format, VK_IMAGE_USAGE_SAMPLED_BIT, layout);
        expectGoldenPose(est.estimate(imageFrame(*image, GpuFrame::Kind::SampledImage, layout)), kPhoto, 257);
      }
    }
  }
}

TEST_F(Embedding, StorageImageGivesTheGoldenKeypoints) {
  for (FirstConvFusion fusion : kFirstConvPlaces) {
    SCOPED_TRACE(placeName(fusion));
    Estimator& est = estimator(1, Precision::FP32, fusion);
    auto image = photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_STORAGE_BIT, VK_IMAGE_LAYOUT_GENERAL);
    expectGoldenPose(est.estimate(imageFrame(*image, GpuFrame::Kind::StorageImage, VK_IMAGE_LAYOUT_GENERAL)), kPhoto,
                     257);
  }
}

// A host's buffer with the frame at an aligned offset and padded rows.
TEST_F(Embedding, BufferAtAnOffsetGivesTheGoldenKeypoints) {
  for (FirstConvFusion fusion : kFirstConvPlaces) {
    SCOPED_TRACE(placeName(fusion));
    expectGoldenBufferFrame(estimator(1, Precision::FP32, fusion));
  }
}

void Embedding::expectGoldenBufferFrame(Estimator& est) {
  const test::RgbImage& image = photo(kPhoto);
  uint32_t stride = uint32_t(image.width) * 4 + 64;
  std::vector<uint8_t> pixels = test::fourBytePixels(image, PixelFormat::BGRA8, stride);
  uint64_t offset = 3 * host_.storageOffsetAlignment();
  HostBuffer buffer(host_, offset + pixels.size(), VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
  buffer.write(offset, pixels.data(), pixels.size());
  FrameLayout layout{image.width, image.height, stride, PixelFormat::BGRA8};
  expectGoldenPose(est.estimate(GpuFrame::fromBuffer(buffer.buffer, offset, pixels.size(), layout)), kPhoto, 257);
}

// The host renders on the same queue but hands over with semaphores, as it
// would from another queue; vkpose signals when the frame may be reused.
TEST_F(Embedding, WaitsForTheHostsSemaphoreAndSignalsItsOwn) {
  Estimator& est = estimator();
  VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
  VkSemaphore rendered = VK_NULL_HANDLE, released = VK_NULL_HANDLE;
  VKPOSE_VK(vkCreateSemaphore(host_.device(), &info, nullptr, &rendered));
  VKPOSE_VK(vkCreateSemaphore(host_.device(), &info, nullptr, &released));
  auto image = photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT,
                          VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, rendered);
  GpuFrame frame = imageFrame(*image, GpuFrame::Kind::SampledImage, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  frame.wait_semaphore = rendered;
  frame.signal_semaphore = released;
  std::optional<Ticket> ticket = est.submit(frame);
  ASSERT_TRUE(ticket);
  // The host's next use of the image waits on `released`.
  VkPipelineStageFlags stage = VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT;
  VkSubmitInfo reuse{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  reuse.waitSemaphoreCount = 1;
  reuse.pWaitSemaphores = &released;
  reuse.pWaitDstStageMask = &stage;
  VKPOSE_VK(vkQueueSubmit(host_.queue(), 1, &reuse, VK_NULL_HANDLE));
  expectGoldenPose(est.wait(*ticket), kPhoto, 257);
  VKPOSE_VK(vkQueueWaitIdle(host_.queue()));
  vkDestroySemaphore(host_.device(), rendered, nullptr);
  vkDestroySemaphore(host_.device(), released, nullptr);
}

// A host cycling through a ring of render targets replays recordings: no
// allocation once each image has been seen.
TEST_F(Embedding, RingOfImagesReplaysWithoutAllocating) {
  Estimator& est = estimator(2);
  std::vector<std::unique_ptr<HostImage>> ring;
  for (int i = 0; i < 3; ++i)
    ring.push_back(photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT,
                              VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL));
  auto frameOf = [&](int i) {
    return imageFrame(*ring[size_t(i) % ring.size()], GpuFrame::Kind::SampledImage,
                      VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  };
  for (int i = 0; i < 6; ++i) est.estimate(frameOf(i));  // each image in each slot
  MemoryStats before = est.context().allocator().stats();
  std::optional<Ticket> previous;
  for (int i = 0; i < 6; ++i) {
    std::optional<Ticket> ticket = est.submit(frameOf(i));
    ASSERT_TRUE(ticket);
    if (previous) expectGoldenPose(est.wait(*previous), kPhoto, 257);
    previous = ticket;
  }
  expectGoldenPose(est.wait(*previous), kPhoto, 257);
  MemoryStats after = est.context().allocator().stats();
  EXPECT_EQ(after.live_buffers, before.live_buffers);
  EXPECT_EQ(after.used_bytes, before.used_bytes);
}

// The host replaces a render target: forgetGpuFrame drops vkpose's view of
// the old one, and the new one (which may reuse the handle) is read afresh.
TEST_F(Embedding, ForgetsADestroyedImage) {
  Estimator& est = estimator(2);
  auto image = photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT,
                          VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  GpuFrame old_frame = imageFrame(*image, GpuFrame::Kind::SampledImage, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  std::optional<Ticket> in_flight = est.submit(old_frame);
  ASSERT_TRUE(in_flight);
  est.forgetGpuFrame(old_frame);  // waits for the frame in flight
  expectGoldenPose(est.wait(*in_flight), kPhoto, 257);
  image.reset();
  auto replacement = photoImage(VK_FORMAT_B8G8R8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT,
                                VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  expectGoldenPose(est.estimate(imageFrame(*replacement, GpuFrame::Kind::SampledImage,
                                           VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL)),
                   kPhoto, 257);
}

// vkpose never destroys or idles the host's device: the host keeps using it.
TEST_F(Embedding, HostKeepsItsDeviceAfterTheEstimator) {
  auto image = photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT,
                          VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  estimator().estimate(imageFrame(*image, GpuFrame::Kind::SampledImage, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL));
  estimator_.reset();
  auto again = photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT,
                          VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  image.reset();  // the Estimator that read it is gone, with its image view
  // A second Estimator on the same device works as the first did.
  expectGoldenPose(estimator().estimate(imageFrame(*again, GpuFrame::Kind::SampledImage,
                                                   VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL)),
                   kPhoto, 257);
}

// Frames must stay in the order of the host's own submissions, and the host
// created only one queue for us: every frame slot submits to it.
TEST_F(Embedding, AdoptedDeviceUsesOnlyTheHostsQueue) {
  std::unique_ptr<Context> ctx = Context::adopt(host_.external());
  ASSERT_EQ(ctx->frameQueueCount(), 1u);
  for (size_t slot = 0; slot < kMaxFramesInFlight; ++slot) EXPECT_EQ(ctx->frameQueue(slot), host_.queue());
  EXPECT_EQ(ctx->queue(), host_.queue());
}

TEST_F(Embedding, RefusesBadGpuFramesClearly) {
  Estimator& est = estimator();
  auto image = photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT,
                          VK_IMAGE_LAYOUT_GENERAL);
  FrameLayout layout = FrameLayout::packed(64, 48, PixelFormat::RGBA8);
  HostBuffer buffer(host_, 4 * host_.storageOffsetAlignment() + layout.requiredBytes(),
                    VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
  auto sampled = [&](VkFormat format, VkImageLayout image_layout) {
    return GpuFrame::fromImage(GpuFrame::Kind::SampledImage, image->image, format, 64, 48, image_layout);
  };
  expectError([&] { est.submit(GpuFrame::fromBuffer(VK_NULL_HANDLE, 0, 4096, layout)); }, "buffer is VK_NULL_HANDLE");
  expectError([&] { est.submit(GpuFrame::fromImage(GpuFrame::Kind::SampledImage, VK_NULL_HANDLE,
                                                   VK_FORMAT_R8G8B8A8_UNORM, 64, 48, VK_IMAGE_LAYOUT_GENERAL)); },
              "image is VK_NULL_HANDLE");
  expectError([&] { est.submit(sampled(VK_FORMAT_R8G8B8A8_SRGB, VK_IMAGE_LAYOUT_GENERAL)); },
              "VK_FORMAT_R8G8B8A8_SRGB is refused: sRGB texels are linearised");
  expectError([&] { est.submit(sampled(VK_FORMAT_R16G16B16A16_SFLOAT, VK_IMAGE_LAYOUT_GENERAL)); },
              "is not supported for a sampled image");
  expectError([&] { est.submit(sampled(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL)); },
              "cannot be read by the preprocessing shader");
  expectError([&] { est.submit(GpuFrame::fromImage(GpuFrame::Kind::StorageImage, image->image,
                                                   VK_FORMAT_B8G8R8A8_UNORM, 64, 48, VK_IMAGE_LAYOUT_GENERAL)); },
              "VK_FORMAT_B8G8R8A8_UNORM is not supported for a storage image");
  expectError([&] { est.submit(GpuFrame::fromImage(GpuFrame::Kind::SampledImage, image->image,
                                                   VK_FORMAT_R8G8B8A8_UNORM, 0, 48, VK_IMAGE_LAYOUT_GENERAL)); },
              "frame 0x48 is empty");
  expectError([&] { est.submit(GpuFrame::fromBuffer(buffer.buffer, 0, 30000ull * 30000 * 4,
                                                    FrameLayout::packed(30000, 30000, PixelFormat::RGBA8))); },
              "exceeds the limit of 16384 pixels per side");
  expectError([&] { est.submit(GpuFrame::fromBuffer(buffer.buffer, 0, layout.requiredBytes() - 4, layout)); },
              "frame buffer range of 12284 bytes is too small for 64x48 RGBA8");
  if (host_.storageOffsetAlignment() > 1)
    expectError([&] { est.submit(GpuFrame::fromBuffer(buffer.buffer, 1, layout.requiredBytes(), layout)); },
                "is not a multiple of the device's storage buffer offset alignment");
  // Still usable after every refusal.
  expectGoldenPose(est.estimate(GpuFrame::fromImage(GpuFrame::Kind::SampledImage, image->image,
                                                    VK_FORMAT_R8G8B8A8_UNORM, image->width, image->height,
                                                    VK_IMAGE_LAYOUT_GENERAL)),
                   kPhoto, 257);
}

TEST_F(Embedding, RefusesBadExternalDevicesClearly) {
  EstimatorOptions options;
  options.model_path = test::testModelPath();
  options.external_device = host_.external();
  options.external_device->device = VK_NULL_HANDLE;
  expectError([&] { Estimator e(options); }, "instance, physical_device, device and queue must all be set");
  options.external_device = host_.external();
  options.external_device->queue_family = 99;
  expectError([&] { Estimator e(options); }, "queue family 99 does not exist");
}

// Features count only where the host enabled them at vkCreateDevice.
TEST_F(Embedding, Fp16OnlyWhereTheHostEnabledIt) {
  expectError([&] { estimator(1, Precision::FP16Storage); }, "does not support precision fp16s");
  {
    EstimatorOptions defaults;  // no precision: the device's preferred one, fp32 without 16-bit storage
    defaults.model_path = test::testModelPath();
    defaults.external_device = host_.external();
    EXPECT_EQ(Estimator(defaults).precision(), Precision::FP32);
  }
  HostDevice fp16_host(true);
  if (!fp16_host.fp16StorageEnabled()) GTEST_SKIP() << "the device has no 16-bit storage";
  EstimatorOptions options;
  options.model_path = test::testModelPath();
  options.precision = Precision::FP16Storage;
  options.external_device = fp16_host.external();
  {
    Estimator est(options);
    const test::RgbImage& image = photo(kPhoto);
    double shift = test::meanShift(est.estimate(test::rgbFrame(image)), test::goldenKeypoints(kPhoto, 257));
    EXPECT_LE(shift, 1.0);
  }
  for (const std::string& m : fp16_host.takeValidationMessages()) ADD_FAILURE() << "validation message: " << m;
}

// The test host enables neither the memory model nor cooperative matrices,
// so the tensor-core kernel must not be chosen on its device.
TEST_F(Embedding, MemoryModelAndTensorCoresOnlyWhereTheHostEnabledThem) {
  const Capabilities& caps = estimator().context().caps();
  EXPECT_FALSE(caps.vulkan_memory_model);
  EXPECT_FALSE(caps.cooperative_matrix_nv);
  EXPECT_TRUE(caps.cooperative_matrix_shapes.empty() || caps.cooperative_matrix_khr);
  EXPECT_NE(coopMatMissing(caps, Precision::FP16Storage), "");
}

// A host device created without VK_EXT_external_memory_host cannot import
// host memory: registration says so, and frames there are copied.
TEST_F(Embedding, HostMemoryIsNotImportedWithoutTheHostsExtension) {
  Estimator& est = estimator();
  std::vector<uint8_t> rgba = test::fourBytePixels(photo(kPhoto), PixelFormat::RGBA8, uint32_t(photo(kPhoto).width) * 4);
  std::string why;
  EXPECT_FALSE(est.registerHostMemory(rgba.data(), rgba.size(), &why));
  EXPECT_NE(why.find("has no VK_EXT_external_memory_host enabled"), std::string::npos) << why;
  expectGoldenPose(est.estimate(Frame::packed(rgba.data(), photo(kPhoto).width, photo(kPhoto).height,
                                              PixelFormat::RGBA8)), kPhoto, 257);
  EXPECT_EQ(est.hostFrameCounts().copied, 1u);
  EXPECT_EQ(est.hostFrameCounts().imported, 0u);
  expectError([&] { est.unregisterHostMemory(rgba.data()); }, "no registered range starts at that pointer");
}

// The same through the C API (runtime/capi/vkpose_vulkan.h).
TEST_F(Embedding, CApiRunsOnTheHostsDeviceAndImage) {
  auto image = photoImage(VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT,
                          VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL);
  std::string model = test::testModelPath();
  vkpose_options options;
  vkpose_options_init(&options);
  options.model_path = model.c_str();
  ExternalDevice external = host_.external();
  vkpose_vulkan_device device{external.instance, external.physical_device, external.device, external.queue_family,
                              external.queue,    external.enabled_features, nullptr,         0};
  vkpose_estimator* est = nullptr;
  ASSERT_EQ(vkpose_create_on_device(&options, &device, &est), VKPOSE_OK) << vkpose_error_message();

  vkpose_gpu_frame frame{};
  frame.kind = VKPOSE_GPU_FRAME_SAMPLED_IMAGE;
  frame.width = image->width;
  frame.height = image->height;
  frame.image = image->image;
  frame.image_format = VK_FORMAT_R8G8B8A8_UNORM;
  frame.image_layout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
  vkpose_pose c_pose;
  ASSERT_EQ(vkpose_estimate_gpu_frame(est, &frame, &c_pose), VKPOSE_OK) << vkpose_error_message();
  Pose pose;
  for (size_t k = 0; k < size_t(kKeypointCount); ++k)
    pose.keypoints[k] = {c_pose.keypoints[k].x, c_pose.keypoints[k].y, c_pose.keypoints[k].score};
  pose.score = c_pose.score;
  expectGoldenPose(pose, kPhoto, 257);

  vkpose_gpu_frame bad = frame;
  int seven = 7;  // a C caller can store any int in the enum
  static_assert(sizeof(bad.kind) == sizeof(seven));
  std::memcpy(&bad.kind, &seven, sizeof(seven));
  EXPECT_EQ(vkpose_estimate_gpu_frame(est, &bad, &c_pose), VKPOSE_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(vkpose_error_message(), "unknown GPU frame kind 7");
  bad = frame;
  bad.image_format = VK_FORMAT_B8G8R8A8_SRGB;
  EXPECT_EQ(vkpose_estimate_gpu_frame(est, &bad, &c_pose), VKPOSE_ERROR_RUNTIME);
  EXPECT_NE(std::string(vkpose_error_message()).find("sRGB texels are linearised"), std::string::npos);
  uint64_t ticket = 0;
  ASSERT_EQ(vkpose_submit_gpu_frame(est, &frame, &ticket), VKPOSE_OK) << vkpose_error_message();
  ASSERT_EQ(vkpose_wait(est, ticket, &c_pose), VKPOSE_OK) << vkpose_error_message();
  EXPECT_EQ(vkpose_create_on_device(&options, nullptr, &est), VKPOSE_ERROR_INVALID_ARGUMENT);
  vkpose_destroy(est);
}

}  // namespace
}  // namespace vkpose
