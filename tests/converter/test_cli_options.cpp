// vkpose-convert's command-line parsing.
#include <gtest/gtest.h>

#include <stdexcept>

#include "converter/cli_options.h"

namespace vkpose::convert {
namespace {

CliOptions parse(std::vector<std::string> args) { return parseCli(args); }

void expectRejected(std::vector<std::string> args, const std::string& fragment) {
  try {
    parseCli(args);
    ADD_FAILURE() << "expected a rejection mentioning '" << fragment << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(CliOptions, ConvertWithFp16AndVerbose) {
  CliOptions o = parse({"model.onnx", "-o", "out.vkpose", "--fp16", "-v"});
  EXPECT_EQ(o.mode, CliMode::Convert);
  EXPECT_EQ(o.input, "model.onnx");
  EXPECT_EQ(o.output, "out.vkpose");
  EXPECT_TRUE(o.fp16);
  EXPECT_TRUE(o.verbose);
}

TEST(CliOptions, ToOnnx) {
  CliOptions o = parse({"posenet.json", "--to-onnx", "posenet.onnx"});
  EXPECT_EQ(o.mode, CliMode::ToOnnx);
  EXPECT_EQ(o.output, "posenet.onnx");
}

TEST(CliOptions, InspectWithInputSize) {
  CliOptions o = parse({"--inspect", "m.vkpose", "--input", "385"});
  EXPECT_EQ(o.mode, CliMode::Inspect);
  EXPECT_EQ(o.inspect_size, 385);
  EXPECT_EQ(parse({"--inspect", "m.vkpose"}).inspect_size, 257);
}

TEST(CliOptions, Help) { EXPECT_EQ(parse({"--help"}).mode, CliMode::Help); }

TEST(CliOptions, BadCommandLinesAreNamed) {
  expectRejected({}, "no input model");
  expectRejected({"m.onnx"}, "no output given");
  expectRejected({"m.onnx", "-o"}, "-o needs a value");
  expectRejected({"m.onnx", "-o", "x", "--frobnicate"}, "unknown option '--frobnicate'");
  expectRejected({"a.onnx", "b.onnx", "-o", "x"}, "unexpected argument 'b.onnx'");
  expectRejected({"--inspect", "m.vkpose", "--input", "abc"}, "positive integer size, got 'abc'");
  expectRejected({"--inspect", "m.vkpose", "--input", "-5"}, "positive integer");
  expectRejected({"--inspect", "m.vkpose", "-o", "x"}, "--inspect writes nothing");
  expectRejected({"m.json", "--to-onnx", "x.onnx", "--fp16"}, "--fp16 applies to .vkpose output only");
  expectRejected({"--inspect", "m.vkpose", "--to-onnx", "x"}, "cannot be combined");
}

}  // namespace
}  // namespace vkpose::convert
