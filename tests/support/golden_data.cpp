#include "tests/support/golden_data.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

// Static: other test sources may embed stb_image as well.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

namespace vkpose::test {

namespace {

std::vector<char> readFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

OutputRole roleNamed(const std::string& name) {
  for (OutputRole role : {OutputRole::Heatmap, OutputRole::Offsets, OutputRole::DisplacementFwd,
                          OutputRole::DisplacementBwd})
    if (name == outputRoleName(role)) return role;
  throw std::runtime_error("manifest.json: unknown output role '" + name + "'");
}

GoldenOutput goldenOutput(const nlohmann::json& output, const std::vector<char>& bytes) {
  GoldenOutput golden;
  golden.role = roleNamed(output.at("role").get<std::string>());
  const auto& dims = output.at("shape");
  golden.shape = {dims.at(1).get<int>(), dims.at(2).get<int>(), dims.at(3).get<int>()};
  size_t offset = output.at("byte_offset").get<size_t>(), length = output.at("byte_length").get<size_t>();
  size_t count = size_t(golden.shape.c) * size_t(golden.shape.h) * size_t(golden.shape.w);
  if (length != count * sizeof(float) || offset + length > bytes.size())
    throw std::runtime_error("manifest.json: output " + std::string(outputRoleName(golden.role)) +
                             " does not match its golden file");
  golden.chw.resize(count);
  std::memcpy(golden.chw.data(), bytes.data() + offset, length);
  return golden;
}

}  // namespace

std::string testDataPath(const std::string& relative) {
  if (const char* dir = std::getenv("VKPOSE_TEST_DATA")) return std::string(dir) + "/" + relative;
  std::filesystem::path beside = std::filesystem::path(__FILE__).parent_path().parent_path() / "data";
  if (std::filesystem::is_directory(beside)) return (beside / relative).string();
  return "tests/data/" + relative;
}

RgbImage loadRgbImage(const std::string& path) {
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load(path.c_str(), &width, &height, &channels, 3),
                                                   stbi_image_free);
  if (!pixels) throw std::runtime_error("cannot decode " + path + ": " + stbi_failure_reason());
  const stbi_uc* begin = pixels.get();
  return {width, height, std::vector<uint8_t>(begin, begin + size_t(width) * size_t(height) * 3)};
}

std::vector<float> posenetInput(const RgbImage& image, int size) {
  int side = std::max(image.width, image.height);
  RefWindow letterbox{-((side - image.width) / 2), -((side - image.height) / 2), side, side};
  std::vector<double> chw = nhwcToChw(referencePreprocess(image, letterbox, size), size);
  return {chw.begin(), chw.end()};
}

GoldenEntry loadGolden(const std::string& image, int size) {
  std::vector<char> text = readFile(testDataPath("golden/manifest.json"));
  nlohmann::json manifest = nlohmann::json::parse(text.begin(), text.end());
  for (const auto& entry : manifest.at("entries")) {
    if (entry.at("image") != image || entry.at("size") != size) continue;
    std::vector<char> bytes = readFile(testDataPath("golden/" + entry.at("file").get<std::string>()));
    GoldenEntry golden{entry.at("input_sha256").at("nchw").get<std::string>(), {}};
    for (const auto& output : entry.at("outputs")) golden.outputs.push_back(goldenOutput(output, bytes));
    return golden;
  }
  throw std::runtime_error("manifest.json has no golden outputs for " + image + " at " + std::to_string(size));
}

}  // namespace vkpose::test
