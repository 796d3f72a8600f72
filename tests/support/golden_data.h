// The committed PoseNet test data: photos, the model input the golden files
// were made from (preprocess.js's letterbox, via preprocess_reference.h), and
// the golden TF.js outputs (tests/data/golden, described by manifest.json).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/model/shape.h"
#include "tests/support/preprocess_reference.h"

namespace vkpose::test {

// tests/data/<relative>: next to this source file, else under the working
// directory (the GPU machine runs tests from the repository root), or under
// $VKPOSE_TEST_DATA when set.
std::string testDataPath(const std::string& relative);

// Decodes a JPEG or PNG to RGB8. Throws std::runtime_error naming the file.
RgbImage loadRgbImage(const std::string& path);

// preprocess.js: the image letterboxed into a black square of side max(W, H)
// (the odd pixel after), resized bilinearly to size x size and normalised as
// MobileNet. Returns CHW floats, 3 x size x size.
std::vector<float> posenetInput(const RgbImage& image, int size);

struct GoldenOutput {
  OutputRole role = OutputRole::Heatmap;
  Shape shape;
  std::vector<float> chw;
};

struct GoldenEntry {
  std::string input_sha256_nchw;  // of the float32 model input, CHW
  std::vector<GoldenOutput> outputs;  // in the manifest's order
};

// The golden entry of `image` (e.g. "pose.jpg") at input `size`. Throws
// std::runtime_error when there is none.
GoldenEntry loadGolden(const std::string& image, int size);

}  // namespace vkpose::test
