#include "tests/support/tfjs_fixture.h"

#include <stdlib.h>

#include <array>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "converter/tfjs_import.h"

namespace vkpose::test {

using nlohmann::json;

std::string tfBase64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = 0;
    size_t n = std::min<size_t>(3, bytes.size() - i);
    for (size_t k = 0; k < 3; ++k) chunk = (chunk << 8) | (k < n ? uint8_t(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) encoded += k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 63u] : '=';
  }
  return encoded;
}

json tfString(std::string_view text) { return {{"s", tfBase64(text)}}; }

json tfStrings(const std::vector<std::string>& list) {
  json encoded = json::array();
  for (const std::string& s : list) encoded.push_back(tfBase64(s));
  return {{"list", {{"s", encoded}}}};
}

json tfInts(const std::vector<int64_t>& list) {
  json encoded = json::array();
  for (int64_t i : list) encoded.push_back(std::to_string(i));
  return {{"list", {{"i", encoded}}}};
}

json windowAttr(const std::string& padding, int stride) {
  return {{"strides", tfInts({1, stride, stride, 1})},
          {"padding", tfString(padding)},
          {"data_format", tfString("NHWC")},
          {"dilations", tfInts({1, 1, 1, 1})},
          {"explicit_paddings", {{"list", json::object()}}}};
}

TfjsModel::TfjsModel() {
  std::string pattern = (std::filesystem::temp_directory_path() / "vkpose-tfjs-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  dir_ = pattern;
  json_ = {{"format", "graph-model"},
           {"generatedBy", "vkpose tests"},
           {"convertedBy", "tfjs_fixture"},
           {"modelTopology", {{"node", json::array()}, {"library", json::object()}, {"versions", json::object()}}}};
}

TfjsModel::~TfjsModel() {
  std::error_code ignored;  // a leftover temp dir must not fail a test
  std::filesystem::remove_all(dir_, ignored);
}

void TfjsModel::placeholder(const std::string& name, const std::vector<int64_t>& nhwc) {
  json dims = json::array();
  for (int64_t d : nhwc) dims.push_back({{"size", std::to_string(d)}});
  node(name, "Placeholder", {}, {{"shape", {{"shape", {{"dim", dims}}}}}, {"dtype", {{"type", "DT_FLOAT"}}}});
}

void TfjsModel::constant(const std::string& name, const std::vector<int64_t>& shape, std::vector<float> values) {
  size_t count = 1;
  for (int64_t d : shape) count *= size_t(d);
  if (values.empty()) {
    // Small distinct values, so transposition mistakes show.
    for (size_t i = 0; i < count; ++i) values.push_back(next_ramp_ += 0.125f);
  }
  if (values.size() != count) throw std::invalid_argument("constant '" + name + "': value count != shape");
  std::string bytes(values.size() * sizeof(float), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  rawConstant(name, shape, "float32", std::move(bytes));
}

void TfjsModel::rawConstant(const std::string& name, const std::vector<int64_t>& shape, const std::string& dtype,
                            std::string bytes, const json& extra) {
  json entry = {{"name", name}, {"shape", shape}, {"dtype", dtype}};
  entry.update(extra);
  groups_.back().weights.push_back(entry);
  groups_.back().bytes += bytes;
  json tensor_shape = json::array();
  for (int64_t d : shape) tensor_shape.push_back({{"size", std::to_string(d)}});
  node(name, "Const", {}, {{"value", {{"tensor", {{"tensorShape", {{"dim", tensor_shape}}}}}}}});
}

void TfjsModel::newGroup() { groups_.emplace_back(); }

void TfjsModel::node(const std::string& name, const std::string& op, const std::vector<std::string>& inputs,
                     const json& attr) {
  json entry = {{"name", name}, {"op", op}, {"attr", attr}};
  if (!inputs.empty()) entry["input"] = inputs;
  json_["modelTopology"]["node"].push_back(entry);
}

void TfjsModel::conv(const std::string& name, const std::string& op, const std::string& from,
                     const std::vector<int64_t>& filter_shape, json attr,
                     const std::vector<std::string>& fused_activations) {
  constant(name + "/filter", filter_shape);
  std::vector<std::string> inputs = {from, name + "/filter"};
  if (op.find("Fused") != std::string::npos) {
    bool depthwise = op.find("Depthwise") != std::string::npos;
    int64_t channels = depthwise ? filter_shape.at(2) * filter_shape.at(3) : filter_shape.at(3);
    constant(name + "/bias", {channels});
    inputs.push_back(name + "/bias");
    std::vector<std::string> fused = {"BiasAdd"};
    fused.insert(fused.end(), fused_activations.begin(), fused_activations.end());
    attr["fused_ops"] = tfStrings(fused);
    attr["num_args"] = {{"i", "1"}};
  }
  node(name, op, inputs, attr);
}

void TfjsModel::poseHeads(const std::string& from, int channels, int pool_stride) {
  std::string source = from;
  if (pool_stride > 1) {
    json attr = windowAttr("VALID", pool_stride);
    attr["ksize"] = tfInts({1, 1, 1, 1});
    node("to_output_stride", "MaxPool", {from}, attr);
    source = "to_output_stride";
  }
  const std::array<std::pair<const char*, int>, 4> heads = {
      {{kHeatmapHead, 17}, {kOffsetHead, 34}, {kDisplacementFwdHead, 32}, {kDisplacementBwdHead, 32}}};
  for (const auto& [name, out] : heads) conv(name, "_FusedConv2D", source, {1, 1, channels, out});
}

std::filesystem::path TfjsModel::shardPath(int group, int shard, int shards_per_group) const {
  return dir_ / ("group" + std::to_string(group + 1) + "-shard" + std::to_string(shard + 1) + "of" +
                 std::to_string(shards_per_group) + ".bin");
}

std::string TfjsModel::write(int shards_per_group) {
  json manifest = json::array();
  for (size_t g = 0; g < groups_.size(); ++g) {
    const std::string& bytes = groups_[g].bytes;
    size_t per_shard = (bytes.size() + size_t(shards_per_group) - 1) / size_t(shards_per_group);
    json paths = json::array();
    for (int s = 0; s < shards_per_group; ++s) {
      std::filesystem::path path = shardPath(int(g), s, shards_per_group);
      size_t begin = std::min(bytes.size(), size_t(s) * per_shard);
      std::ofstream(path, std::ios::binary) << bytes.substr(begin, per_shard);
      paths.push_back(path.filename().string());
    }
    manifest.push_back({{"paths", paths}, {"weights", groups_[g].weights}});
  }
  json_["weightsManifest"] = manifest;
  rewriteJson();
  return (dir_ / "model.json").string();
}

void TfjsModel::rewriteJson() const { std::ofstream(dir_ / "model.json") << json_.dump(1); }

convert::Graph importTfjsModel(const std::string& path, convert::Log* log) {
  convert::Log quiet;
  return convert::importTfjs(path, log ? *log : quiet);
}

std::string tfjsImportError(const std::string& path) {
  try {
    importTfjsModel(path);
  } catch (const convert::ConvertError& e) {
    return e.what();
  }
  return "(no error)";
}

const convert::Node& nodeNamed(const convert::Graph& graph, const std::string& name) {
  for (const convert::Node& node : graph.nodes)
    if (node.name == name) return node;
  throw std::invalid_argument("the graph has no node '" + name + "'");
}

}  // namespace vkpose::test
