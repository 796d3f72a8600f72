// Helpers shared by the kernel tests in tests/ops/.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "runtime/ops/epilogue.h"
#include "runtime/tensor.h"
#include "tests/reference/reference_ops.h"
#include "tests/support/gpu_test.h"

namespace vkpose::test {

// The values the GPU actually holds: fp16 precisions store halves. Feeding
// these to the reference makes the tolerance measure only kernel arithmetic.
std::vector<float> asStored(std::vector<float> values, Precision p);

// The whole C4HW4 buffer as floats, padding lanes included.
std::vector<float> downloadPacked(Context& ctx, const Tensor& tensor);

// Padding lanes (channels past shape.c) must be exactly 0; NaN poison left
// unwritten fails too.
::testing::AssertionResult paddingLanesZero(const std::vector<float>& packed, Shape shape);

// The reference's spelling of an op's fused activation.
ref::Epilogue refEpilogue(const Epilogue& epilogue);

// Expects `action` to throw vkpose::Error whose message contains `fragment`.
void expectError(const std::function<void()>& action, const std::string& fragment);

// Records op.record(rec, arena, tensors...) into one command buffer, submits
// it and waits. Errors record() raises propagate.
template <class Op, class... Tensors>
void runOnce(Context& ctx, Op& op, const Tensors&... tensors) {
  DescriptorArena arena(ctx);
  CommandRecorder rec(ctx);
  rec.begin();
  op.record(rec, arena, tensors...);
  rec.end();
  rec.submitAndWait();
}

// runOnce with the last tensor, the output, filled with NaN first so nothing
// left unwritten can pass; returns that output's whole packed buffer.
template <class Op, class... Tensors>
std::vector<float> runIntoPoisoned(Context& ctx, Op& op, const Tensors&... tensors) {
  const Tensor& out = std::get<sizeof...(Tensors) - 1>(std::tie(tensors...));
  poison(ctx, out);
  runOnce(ctx, op, tensors...);
  return downloadPacked(ctx, out);
}

}  // namespace vkpose::test
