// Shape inference: which input sizes are valid, how SAME padding resolves for
// a given size, and the shapes a whole graph gets.
#include <gtest/gtest.h>

#include "runtime/model/shapes.h"
#include "tests/support/model_builder.h"

namespace vkpose {
namespace {

std::string planError(const Model& model, int h, int w) {
  try {
    planShapes(model, h, w);
  } catch (const ModelError& e) {
    return e.what();
  }
  ADD_FAILURE() << "planned " << h << "x" << w << "; expected a ModelError";
  return {};
}

TEST(InputSize, ValidSizesAreOneMoreThanAMultipleOfTheStride) {
  for (int size = 129; size <= 1025; size += 16) {
    EXPECT_TRUE(isValidInputSize(size, 16)) << size;
    EXPECT_FALSE(isValidInputSize(size - 1, 16)) << size - 1;
    EXPECT_FALSE(isValidInputSize(size + 1, 16)) << size + 1;
  }
  EXPECT_TRUE(isValidInputSize(17, 16));
  EXPECT_FALSE(isValidInputSize(1, 16));  // a single output pixel has no stride to it
  EXPECT_FALSE(isValidInputSize(0, 16));
  EXPECT_TRUE(isValidInputSize(33, 8));
  EXPECT_FALSE(isValidInputSize(kMaxInputSize + 16, 16));
  EXPECT_FALSE(isValidInputSize(257, 0));
}

TEST(InputSize, InvalidSizesNameTheNearestValidOnes) {
  EXPECT_EQ(invalidInputSizeMessage(300, 16),
            "input size 300 is invalid: (size - 1) must be a multiple of the output stride 16; nearest valid sizes "
            "are 289 and 305");
  EXPECT_EQ(invalidInputSizeMessage(256, 16),
            "input size 256 is invalid: (size - 1) must be a multiple of the output stride 16; nearest valid sizes "
            "are 241 and 257");
  EXPECT_EQ(invalidInputSizeMessage(5, 16),
            "input size 5 is invalid: (size - 1) must be a positive multiple of the output stride 16; the smallest "
            "valid size is 17");
  EXPECT_EQ(invalidInputSizeMessage(20000, 16), "input size 20000 is invalid: the largest valid size is 16369");
}

TEST(PlanShapes, ToyPoseNetAtEveryValidSize) {
  Model model = test::toyPoseNet();
  for (int size = 129; size <= 1025; size += 16) {
    ShapePlan plan = planShapes(model, size, size);
    int side = (size - 1) / 16 + 1;
    for (const ModelOutput& o : model.outputs)
      EXPECT_EQ(plan.tensors[size_t(o.tensor)], (Shape{model.tensors[size_t(o.tensor)].channels, side, side}))
          << size << " " << outputRoleName(o.role);
  }
  EXPECT_EQ(planShapes(model, 257, 257).tensors[size_t(model.outputs[0].tensor)], (Shape{17, 17, 17}));
  EXPECT_EQ(planShapes(model, 385, 385).tensors[size_t(model.outputs[1].tensor)], (Shape{34, 25, 25}));
  EXPECT_EQ(planShapes(model, 257, 385).tensors[size_t(model.outputs[0].tensor)], (Shape{17, 17, 25}));
}

TEST(PlanShapes, InvalidSizesAreRefusedWithTheMessage) {
  Model model = test::toyPoseNet();
  EXPECT_EQ(planError(model, 300, 257), invalidInputSizeMessage(300, 16));
  EXPECT_EQ(planError(model, 257, 256), invalidInputSizeMessage(256, 16));
}

TEST(ResolveWindow, SameUpperPutsTheOddPixelAtTheEnd) {
  ConvParams even = resolveWindow(test::sameWindow(3, 2), {8, 256, 256});
  EXPECT_EQ(even.pad.top, 0);
  EXPECT_EQ(even.pad.bottom, 1);
  EXPECT_EQ(windowOutputShape(even, {8, 256, 256}, 8, "test").h, 128);
  ConvParams odd = resolveWindow(test::sameWindow(3, 2), {8, 257, 255});
  EXPECT_EQ(odd.str(), "k=3x3,s=2x2,d=1x1,pad=1,1,1,1");
  WindowSpec dilated = test::sameWindow(3, 1);
  dilated.dilation_h = dilated.dilation_w = 2;
  EXPECT_EQ(resolveWindow(dilated, {1, 10, 10}).str(), "k=3x3,s=1x1,d=2x2,pad=2,2,2,2");
  EXPECT_EQ(resolveWindow(test::sameWindow(1, 2), {1, 9, 9}).str(), "k=1x1,s=2x2,d=1x1,pad=0,0,0,0");
}

TEST(ResolveWindow, SameLowerPutsTheOddPixelAtTheStart) {
  ConvParams p = resolveWindow(test::sameWindow(3, 2, PaddingMode::SameLower), {8, 256, 17});
  EXPECT_EQ(p.pad.top, 1);
  EXPECT_EQ(p.pad.bottom, 0);
  EXPECT_EQ(p.pad.left, 1);  // odd width: symmetric
  EXPECT_EQ(p.pad.right, 1);
}

TEST(ResolveWindow, ValidPadsNothingAndExplicitKeepsItsNumbers) {
  EXPECT_EQ(resolveWindow(test::sameWindow(3, 2, PaddingMode::Valid), {1, 256, 256}).str(),
            "k=3x3,s=2x2,d=1x1,pad=0,0,0,0");
  WindowSpec spec = test::sameWindow(3, 1, PaddingMode::Explicit);
  spec.pad = {0, 1, 2, 0};
  EXPECT_EQ(resolveWindow(spec, {1, 64, 64}).str(), "k=3x3,s=1x1,d=1x1,pad=0,1,2,0");
}

// image 33 -> conv (SAME, s2) 17 -> max / avg pools (2x2 s2 SAME) 9 -> add.
Model poolModel() {
  Model m = test::emptyModel();
  int conv = test::addConv(m, "conv", m.input, 8, test::sameWindow(3, 2));
  int max = test::addPool(m, NodeKind::MaxPool, "max", conv, test::sameWindow(2, 2));
  int avg = test::addPool(m, NodeKind::AveragePool, "avg", conv, test::sameWindow(2, 2, PaddingMode::SameLower));
  m.outputs = {{OutputRole::Heatmap, test::addAdd(m, "sum", max, avg)}};
  test::addPool(m, NodeKind::MaxPool, "valid", conv, test::sameWindow(3, 2, PaddingMode::Valid));
  return m;
}

TEST(PlanShapes, PoolsAndAdd) {
  Model m = poolModel();
  ShapePlan plan = planShapes(m, 33, 33);
  EXPECT_EQ(plan.tensors[1], (Shape{8, 17, 17}));
  EXPECT_EQ(plan.tensors[2], (Shape{8, 9, 9}));
  EXPECT_EQ(plan.tensors[3], (Shape{8, 9, 9}));
  EXPECT_EQ(plan.tensors[4], (Shape{8, 9, 9}));
  EXPECT_EQ(plan.tensors[5], (Shape{8, 8, 8}));
  EXPECT_EQ(plan.windows[1].str(), "k=2x2,s=2x2,d=1x1,pad=0,0,1,1");
  EXPECT_EQ(plan.windows[2].str(), "k=2x2,s=2x2,d=1x1,pad=1,1,0,0");
  EXPECT_EQ(plan.windows[3].str(), ConvParams{}.str());  // Add has no window
}

TEST(PlanShapes, AddOperandsOfDifferentSizesAreNamed) {
  Model m = poolModel();
  test::addAdd(m, "mismatch", 2, 5);
  EXPECT_EQ(planError(m, 33, 33), "node 5 'mismatch' (Add): operands 8x9x9 and 8x8x8 differ in size");
}

TEST(PlanShapes, EmptyOutputsAreNamed) {
  Model m = test::emptyModel();
  int huge = test::addConv(m, "huge", m.input, 4, test::sameWindow(40, 1, PaddingMode::Valid));
  m.outputs = {{OutputRole::Heatmap, huge}};
  EXPECT_EQ(planError(m, 33, 33),
            "node 0 'huge' (Conv2d): output would be empty for its 3x33x33 input (k=40x40,s=1x1,d=1x1,pad=0,0,0,0)");
  EXPECT_EQ(planShapes(m, 49, 49).tensors[1], (Shape{4, 10, 10}));
}

}  // namespace
}  // namespace vkpose
