#include "tests/support/gpu_test.h"

#include <memory>

#include "engine/recorder.h"

namespace vkpose::test {

Context& gpu() {
  static std::unique_ptr<Context> ctx = [] {
    auto created = Context::create();
    std::printf("[ gpu      ] %s, %s %s, validation %s\n", created->caps().device_name.c_str(),
                created->caps().driver_name.c_str(), created->caps().driverVersionText().c_str(),
                created->validationEnabled() ? "on" : "off");
    return created;
  }();
  return *ctx;
}

void GpuTest::SetUp() {
  // Messages from an earlier test belong to that test; start clean.
  gpu().validationLog().take();
}

void GpuTest::TearDown() {
  auto messages = gpu().validationLog().take();
  for (const auto& m : messages) ADD_FAILURE() << "validation message: " << m;
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
