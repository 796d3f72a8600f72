// AddOp (residual add with fused activation) against the double CPU
// reference, over PoseNet-sized tensors, odd channel counts and every
// activation and precision.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "engine/pipeline.h"
#include "engine/recorder.h"
#include "runtime/ops/add.h"
#include "tests/reference/reference_ops.h"
#include "tests/support/gpu_test.h"
#include "tests/support/op_test.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::GpuTest;

struct AddCase {
  std::string name;  // gtest-safe: "sigmoid_c17_17x17_fp16a"
  Shape shape;
  Epilogue epilogue;
  Precision precision = Precision::FP32;
};

// gtest prints parameters of failing tests; the name says it all.
void PrintTo(const AddCase& tc, std::ostream* os) { *os << tc.name; }

AddCase makeCase(Shape s, Epilogue epilogue, Precision p, const std::string& act_name) {
  std::string name = act_name + "_c" + std::to_string(s.c) + "_" + std::to_string(s.h) + "x" + std::to_string(s.w) +
                     "_" + precisionSuffix(p);
  return {name, s, epilogue, p};
}

std::vector<AddCase> allCases() {
  const Precision precisions[] = {Precision::FP32, Precision::FP16Storage, Precision::FP16Arith};
  const Shape shapes[] = {{384, 17, 17}, {24, 129, 129}, {3, 8, 8}, {17, 17, 17}, {34, 13, 7}, {5, 1, 1}};
  const std::pair<Epilogue, std::string> activations[] = {
      {{Activation::Relu}, "relu"},
      {{Activation::Clip, 0.f, 6.f}, "relu6"},
      {{Activation::Clip, -0.5f, 0.25f}, "clip"},
      {{Activation::Sigmoid}, "sigmoid"},
  };
  std::vector<AddCase> cases;
  for (Precision p : precisions) {
    for (Shape s : shapes) cases.push_back(makeCase(s, {}, p, "none"));
    // Odd channel counts: sigmoid(0) = 0.5 would leak into the padding lanes.
    for (const auto& [epilogue, name] : activations)
      for (Shape s : {Shape{17, 17, 17}, Shape{3, 8, 8}}) cases.push_back(makeCase(s, epilogue, p, name));
  }
  return cases;
}

class AddTest : public GpuTest, public ::testing::WithParamInterface<AddCase> {};

TEST_P(AddTest, MatchesReference) {
  const AddCase& tc = GetParam();
  VKPOSE_REQUIRE_PRECISION(tc.precision);
  SCOPED_TRACE("add(" + tc.shape.str() + ", " + activationSuffix(tc.epilogue.activation) + ", " +
               precisionSuffix(tc.precision) + ")");

  size_t count = size_t(tc.shape.c) * tc.shape.h * tc.shape.w;
  // [-4, 4] puts values on both sides of every clip bound and sigmoid's knee.
  std::vector<float> a_values =
      test::asStored(test::randomFloats(count, test::kDefaultSeed, -4.f, 4.f), tc.precision);
  std::vector<float> b_values =
      test::asStored(test::randomFloats(count, test::kDefaultSeed + 1, -4.f, 4.f), tc.precision);
  Tensor a = Tensor::create(ctx(), tc.shape, tc.precision);
  Tensor b = Tensor::create(ctx(), tc.shape, tc.precision);
  Tensor out = Tensor::create(ctx(), tc.shape, tc.precision);
  uploadTensor(ctx(), a, a_values);
  uploadTensor(ctx(), b, b_values);

  AddOp op(ctx(), tc.precision, tc.epilogue);
  std::vector<float> packed = test::runIntoPoisoned(ctx(), op, a, b, out);

  ref::Tensor ref_a{tc.shape.c, tc.shape.h, tc.shape.w, test::toDoubles(a_values)};
  ref::Tensor ref_b{tc.shape.c, tc.shape.h, tc.shape.w, test::toDoubles(b_values)};
  ref::Tensor expected = ref::add(ref_a, ref_b, test::refEpilogue(tc.epilogue));
  double floor = tc.precision == Precision::FP32 ? 1e-6 : 1e-3;
  EXPECT_TRUE(test::nearlyEqual(unpackC4HW4(packed, tc.shape), expected.data, test::tolerance(tc.precision), floor));
  EXPECT_TRUE(test::paddingLanesZero(packed, tc.shape));
}

INSTANTIATE_TEST_SUITE_P(Shapes, AddTest, ::testing::ValuesIn(allCases()),
                         [](const ::testing::TestParamInfo<AddCase>& param) { return param.param.name; });

// The message must name the problem, not just say "invalid".
using test::expectError;

class AddArguments : public GpuTest {
 protected:
  void expectRecordRejected(Shape a, Shape b, Shape out, Precision out_precision, const std::string& fragment) {
    AddOp op(ctx(), Precision::FP32);
    Tensor ta = Tensor::create(ctx(), a, Precision::FP32);
    Tensor tb = Tensor::create(ctx(), b, Precision::FP32);
    Tensor tout = Tensor::create(ctx(), out, out_precision);
    DescriptorArena arena(ctx());
    CommandRecorder rec(ctx());
    rec.begin();
    expectError([&] { op.record(rec, arena, ta, tb, tout); }, fragment);
    rec.end();
  }
};

TEST_F(AddArguments, OperandShapesDiffer) {
  AddOp op(ctx(), Precision::FP32);
  expectError([&] { op.outputShape({8, 4, 4}, {8, 4, 5}); }, "operand shapes differ: 8x4x4 vs 8x4x5");
  expectRecordRejected({8, 4, 4}, {4, 4, 4}, {8, 4, 4}, Precision::FP32, "operand shapes differ");
}

TEST_F(AddArguments, OutputShapeDiffers) {
  expectRecordRejected({8, 4, 4}, {8, 4, 4}, {8, 2, 2}, Precision::FP32, "output shape 8x2x2");
}

TEST_F(AddArguments, PrecisionDiffers) {
  VKPOSE_REQUIRE_PRECISION(Precision::FP16Storage);
  expectRecordRejected({8, 4, 4}, {8, 4, 4}, {8, 4, 4}, Precision::FP16Storage, "precision");
}

TEST_F(AddArguments, ReversedClipBoundsAreRefused) {
  expectError([&] { AddOp op(ctx(), Precision::FP32, {Activation::Clip, 6.f, 0.f}); }, "Clip min 6.000000 is greater than max 0.000000");
}

}  // namespace
}  // namespace vkpose
