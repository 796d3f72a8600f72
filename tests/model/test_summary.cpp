// The --inspect summary: real parameter counts, MACs, memory and metadata.
#include <gtest/gtest.h>

#include "runtime/model/summary.h"
#include "tests/support/model_builder.h"

namespace vkpose {
namespace {

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "summary does not contain '" << part << "':\n" << text;
}

// The table row for `name` with runs of spaces squeezed to one, so checks do
// not depend on column widths.
std::string row(const std::string& text, const std::string& name) {
  size_t at = text.find("  " + name + "  ");
  if (at == std::string::npos) return {};
  size_t begin = text.rfind('\n', at) + 1, end = text.find('\n', at);
  std::string squeezed;
  for (size_t i = begin; i < end; ++i)
    if (text[i] != ' ' || (!squeezed.empty() && squeezed.back() != ' ')) squeezed += text[i];
  return squeezed;
}

TEST(Summary, ToyPoseNetAt257) {
  Model model = test::toyPoseNet();
  test::packForKernels(model.nodes[7]);  // 17 heatmap channels: the packed layout holds 20
  std::string text = summarizeModel(model, 257);
  EXPECT_TRUE(contains(text, "input: 3x257x257"));
  // conv0: 8x3x3x3 weights + 8 bias; 216 MACs per output pixel, 129x129 pixels.
  EXPECT_EQ(row(text, "conv0"),
            "0 conv0 Conv2d k=3x3,s=2x2,d=1x1,pad=1,1,1,1 same_upper clip(0,6) 3x257x257 -> 8x129x129 224 3,594,456");
  // heatmap: 24x17 + 17 real values, not the 24x20 + 20 stored.
  EXPECT_EQ(row(text, "heatmap"), "7 heatmap Conv2d k=1x1,s=1x1,d=1x1,pad=0,0,0,0 - 24x17x17 -> 17x17x17 425 117,912");
  EXPECT_TRUE(contains(text, "parameters: 4,323"));
  EXPECT_TRUE(contains(text, "MACs: 5,825,288 (0.006 G)"));
  EXPECT_TRUE(contains(text, "largest tensor: 'image' 3x257x257 (1.01 MiB)"));
  EXPECT_TRUE(contains(text, "preprocessing: MobileNet (x / 127.5 - 1)"));
  EXPECT_TRUE(contains(text, "output stride: 16"));
  EXPECT_TRUE(contains(text, "keypoints: 17, skeleton edges: 12"));
  EXPECT_TRUE(contains(text, "  heatmap -> 'heatmap' 17x17x17"));
  EXPECT_TRUE(contains(text, "  displacement_bwd -> 'displacement_bwd' 32x17x17"));
}

TEST(Summary, InvalidInputSizeIsRefused) {
  EXPECT_THROW(summarizeModel(test::toyPoseNet(), 256), ModelError);
}

}  // namespace
}  // namespace vkpose
