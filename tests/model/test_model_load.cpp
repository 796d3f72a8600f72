// Loading .vkpose files: every field decodes as written, and every kind of
// bad file is refused with a ModelError that names the file and what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "runtime/model/model.h"
#include "runtime/model/summary.h"
#include "schema/vkpose_generated.h"
#include "tests/support/model_builder.h"
#include "tests/support/test_data.h"

namespace vkpose {
namespace {

using test::serializeModel;

const std::string kSource = "toy.vkpose";

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

std::string parseError(const std::vector<uint8_t>& bytes) {
  try {
    parseModel(bytes, kSource);
  } catch (const ModelError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the model loaded; expected a ModelError";
  return {};
}

std::string parseError(const Model& model, const test::SerializeOptions& options = {}) {
  return parseError(serializeModel(model, options));
}

// The toy PoseNet plus every other kind of node, padding mode and option.
Model featureModel() {
  Model m = test::toyPoseNet();
  int conv0 = m.nodes[0].output;
  WindowSpec explicit_pads = test::sameWindow(3, 1, PaddingMode::Explicit);
  explicit_pads.pad = {1, 1, 1, 1};
  int max = test::addPool(m, NodeKind::MaxPool, "maxpool", conv0, explicit_pads);
  int avg = test::addPool(m, NodeKind::AveragePool, "avgpool", conv0, test::sameWindow(3, 1, PaddingMode::SameLower));
  m.nodes.back().count_include_pad = true;
  test::addAdd(m, "sum", max, avg, {Activation::Sigmoid});
  WindowSpec dilated = test::sameWindow(3, 1, PaddingMode::Valid);
  dilated.dilation_h = 2;
  dilated.stride_w = 2;
  test::addConv(m, "dilated", conv0, 5, dilated, {Activation::Clip, -1.5f, 2.5f});
  m.nodes[4].bias.values.clear();  // pw2: a conv without bias
  return m;
}

TEST(ModelLoad, RoundTripDecodesEveryField) {
  Model model = featureModel();
  Model loaded = parseModel(serializeModel(model), kSource);
  ASSERT_EQ(loaded.nodes.size(), model.nodes.size());
  for (size_t i = 0; i < model.nodes.size(); ++i) EXPECT_TRUE(loaded.nodes[i] == model.nodes[i]) << "node " << i;
  EXPECT_EQ(loaded.tensors, model.tensors);
  EXPECT_EQ(loaded.outputs, model.outputs);
  EXPECT_EQ(loaded.metadata, model.metadata);
  EXPECT_TRUE(loaded == model);
  // Spot checks that the comparison above is about real content.
  EXPECT_EQ(loaded.nodes[1].weights.layout, WeightLayout::DepthwiseC4);
  EXPECT_EQ(loaded.nodes[2].bias.layout, WeightLayout::DenseC4);
  EXPECT_EQ(loaded.nodes[11].window.pad.bottom, 1);
  EXPECT_EQ(loaded.nodes[12].window.padding, PaddingMode::SameLower);
  EXPECT_TRUE(loaded.nodes[12].count_include_pad);
  EXPECT_EQ(loaded.nodes[14].epilogue.clip_min, -1.5f);
  EXPECT_EQ(loaded.metadata.keypoint_names.at(16), "rightAnkle");
  EXPECT_EQ(loaded.metadata.skeleton.at(0), (SkeletonEdge{5, 7}));
  EXPECT_EQ(loaded.metadata.architecture, "toy PoseNet");
}

TEST(ModelLoad, ResNetMetadataRoundTrips) {
  Model model = test::toyPoseNet();
  model.metadata.preprocessing = Preprocessing::ResNet;
  model.metadata.mean = {-123.15f, -115.90f, -103.06f};
  EXPECT_EQ(parseModel(serializeModel(model), kSource).metadata, model.metadata);
}

TEST(ModelLoad, Fp16WeightsDecodeExactly) {
  Model model = featureModel();
  test::storeAsFp16(model);
  Model loaded = parseModel(serializeModel(model), kSource);
  EXPECT_TRUE(loaded == model);
  EXPECT_TRUE(loaded.nodes[0].weights.stored_fp16);
  EXPECT_TRUE(loaded.nodes[2].bias.stored_fp16);
}

TEST(ModelLoad, Fp16DecodesSubnormalsInfinitiesAndNaN) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> values = {1.f,  -2.5f, 65504.f, std::ldexp(1.f, -14), std::ldexp(1.f, -24),
                                     std::ldexp(1023.f, -24), -0.f, inf, -inf, 0.f, std::nanf(""), 0.25f};
  // The IEEE binary16 encodings, so that encoder and decoder cannot share a mistake.
  const std::vector<uint16_t> halves = {0x3c00, 0xc100, 0x7bff, 0x0400, 0x0001, 0x03ff,
                                        0x8000, 0x7c00, 0xfc00, 0x0000, 0x7e00, 0x3400};
  Model model = test::emptyModel();
  int out = test::addConv(model, "conv", model.input, 4, {});
  model.nodes[0].weights.values = values;
  model.outputs = {{OutputRole::Heatmap, out}};
  test::storeAsFp16(model);
  std::vector<uint8_t> bytes = serializeModel(model);
  const flatbuffers::Vector<uint8_t>* stored = schema::GetModel(bytes.data())->nodes()->Get(0)->weights()->data();
  ASSERT_EQ(stored->size(), 2 * halves.size());
  for (size_t i = 0; i < halves.size(); ++i)
    EXPECT_EQ(stored->Get(flatbuffers::uoffset_t(2 * i)) | stored->Get(flatbuffers::uoffset_t(2 * i + 1)) << 8,
              halves[i])
        << i;
  std::vector<float> decoded = parseModel(bytes, kSource).nodes[0].weights.values;
  ASSERT_EQ(decoded.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) {
      EXPECT_TRUE(std::isnan(decoded[i])) << i;
      continue;
    }
    EXPECT_EQ(decoded[i], values[i]) << i;
    EXPECT_EQ(std::signbit(decoded[i]), std::signbit(values[i])) << i;
  }
}

TEST(ModelLoad, LoadsFromAFile) {
  Model model = featureModel();
  std::string path = ::testing::TempDir() + "/test_model_load.vkpose";
  std::vector<uint8_t> bytes = serializeModel(model);
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  file.close();
  EXPECT_TRUE(loadModel(path) == model);
  std::filesystem::remove(path);
}

TEST(ModelLoad, UnreadableFilesAreNamed) {
  try {
    loadModel("/nonexistent/model.vkpose");
    ADD_FAILURE() << "loaded a missing file";
  } catch (const ModelError& e) {
    EXPECT_STREQ(e.what(), "cannot read model file /nonexistent/model.vkpose: No such file or directory");
  }
  EXPECT_THROW(loadModel(::testing::TempDir()), ModelError);
}

TEST(ModelLoad, WrongIdentifierIsNamed) {
  std::vector<uint8_t> bytes = serializeModel(test::toyPoseNet());
  std::copy_n("abcd", 4, bytes.begin() + 4);
  EXPECT_EQ(parseError(bytes), "toy.vkpose is not a .vkpose model (file identifier 'abcd', expected 'VKPS')");
  bytes[5] = 0;
  EXPECT_TRUE(contains(parseError(bytes), "(file identifier 'a\\x00cd', expected 'VKPS')"));
}

TEST(ModelLoad, TooShortForAnIdentifier) {
  for (size_t size : {0, 4, 7})
    EXPECT_EQ(parseError(std::vector<uint8_t>(size, 'V')),
              "toy.vkpose is not a .vkpose model (" + std::to_string(size) +
                  " bytes, too short for a file identifier)");
}

TEST(ModelLoad, TruncatedFilesAreCorrupt) {
  std::vector<uint8_t> bytes = serializeModel(featureModel());
  // The last three bytes may be alignment padding, which carries nothing.
  for (size_t size : {size_t(8), size_t(12), size_t(64), bytes.size() / 4, bytes.size() / 2, bytes.size() - 4}) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + std::ptrdiff_t(size));
    EXPECT_EQ(parseError(truncated), "toy.vkpose is corrupt: flatbuffer verification failed") << size;
  }
}

TEST(ModelLoad, NewerSchemaVersionIsRefused) {
  EXPECT_EQ(parseError(test::toyPoseNet(), {.version = 7}),
            "toy.vkpose was written by schema version 7; this build reads up to 1 — update vkpose");
  EXPECT_EQ(parseError(test::toyPoseNet(), {.version = 0}), "toy.vkpose is corrupt: it records no schema version");
}

// Few weights and many tables, so that random flips mostly land in structure
// rather than in weight values.
Model structureHeavyModel() {
  Model m = test::emptyModel();
  int x = test::addConv(m, "stem", m.input, 17, {}, {Activation::Clip, 0.f, 6.f});
  for (PaddingMode mode : {PaddingMode::SameUpper, PaddingMode::SameLower, PaddingMode::Valid}) {
    int max = test::addPool(m, NodeKind::MaxPool, "max", x, test::sameWindow(3, 1, mode));
    int avg = test::addPool(m, NodeKind::AveragePool, "avg", x, test::sameWindow(3, 1, mode));
    x = test::addAdd(m, "sum", max, avg, {Activation::Relu});
  }
  m.outputs = {{OutputRole::Heatmap, x}};
  m.metadata = test::toyPoseNet().metadata;
  return m;
}

// Random corruption must end in a loaded model or a ModelError: never a
// crash, another exception, a hang or a leak (this test runs under ASan).
void flipBytes(const Model& model, uint32_t seed) {
  const std::vector<uint8_t> valid = serializeModel(model);
  std::mt19937 rng(seed);
  int loaded = 0, refused = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> bytes = valid;
    for (auto flips = 1 + rng() % 3; flips > 0; --flips) bytes[rng() % bytes.size()] ^= uint8_t(1 + rng() % 255);
    try {
      Model decoded = parseModel(bytes, kSource);
      summarizeModel(decoded, 257);  // whatever loads must also plan, or refuse cleanly
      ++loaded;
    } catch (const ModelError&) {
      ++refused;
    }
  }
  ::testing::Test::RecordProperty("loaded", loaded);
  ::testing::Test::RecordProperty("refused", refused);
  // Both outcomes happen, so the loop reaches past the first checks.
  EXPECT_GT(loaded, 0);
  EXPECT_GT(refused, 0);
}

TEST(ModelLoad, FlippedBytesLoadOrFailCleanly) { flipBytes(featureModel(), test::kDefaultSeed); }

TEST(ModelLoad, FlippedStructureBytesLoadOrFailCleanly) { flipBytes(structureHeavyModel(), test::kDefaultSeed + 1); }

}  // namespace
}  // namespace vkpose
