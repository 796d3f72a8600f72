#include "tests/support/gpu_test.h"

#include <memory>
#include <vector>

#include "engine/recorder.h"

namespace vkpose::test {

Context& gpu() {
  // Deliberately never destroyed: destroying it unloads the driver at exit,
  // and LeakSanitizer then can't attribute the driver's own leftovers to a
  // library it could suppress. Tests that need destruction make their own.
  static Context* ctx = [] {
    Context* created = Context::create().release();
    std::printf("[ gpu      ] %s, %s %s, validation %s\n", created->caps().device_name.c_str(),
                created->caps().driver_name.c_str(), created->caps().driverVersionText().c_str(),
                created->validationEnabled() ? "on" : "off");
    return created;
  }();
  return *ctx;
}

namespace {

// Creating the shared context before any test keeps the driver loaded for the
// whole process, also for tests that build and destroy contexts of their own.
class GpuEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { gpu(); }
};
[[maybe_unused]] const auto* const kGpuEnvironment = ::testing::AddGlobalTestEnvironment(new GpuEnvironment);

}  // namespace

void GpuTest::SetUp() {
  // Messages from an earlier test belong to that test; start clean.
  gpu().validationLog().take();
}

void GpuTest::TearDown() {
  auto messages = gpu().validationLog().take();
  for (const auto& m : messages) ADD_FAILURE() << "validation message: " << m;
}

uint32_t queuesInComputeFamily(const Context& ctx) {
  uint32_t family_count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice(), &family_count, nullptr);
  std::vector<VkQueueFamilyProperties> families(family_count);
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physicalDevice(), &family_count, families.data());
  return families.at(ctx.queueFamily()).queueCount;
}

void poison(Context& ctx, const Tensor& tensor) {
  CommandRecorder rec(ctx);
  rec.begin();
  rec.fill(tensor.buffer, poisonWord(tensor.precision));
  rec.barrier(Stage::Transfer, Stage::Compute, "the poison fill must land before the kernel writes");
  rec.end();
  rec.submitAndWait();
}

double tolerance(Precision p) { return p == Precision::FP32 ? 1e-5 : 1e-2; }

}  // namespace vkpose::test
