#include "converter/tfjs_weights.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "converter/ir.h"

namespace vkpose::convert {
namespace {

static_assert(std::endian::native == std::endian::little, "TF.js shards are little-endian; add byte swapping here");

using nlohmann::json;

// Far beyond any real model; keeps the byte arithmetic below from overflowing.
constexpr int64_t kMaxBytes = int64_t(1) << 40;

struct ManifestEntry {
  std::string name;
  TfjsWeight weight;  // values not read yet
  int64_t bytes = 0;
};

struct ShardFile {
  std::filesystem::path path;
  int64_t bytes = 0;
};

std::string groupWhere(size_t group) { return "weightsManifest[" + std::to_string(group) + "]"; }

const json& field(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) throw ConvertError(where + " has no '" + key + "'");
  return *it;
}

std::string stringField(const json& object, const char* key, const std::string& where) {
  const json& value = field(object, key, where);
  if (!value.is_string()) throw ConvertError(where + ": '" + key + "' is not a string");
  return value.get<std::string>();
}

std::vector<int64_t> parseShape(const json& shape, int64_t& elements, const std::string& where) {
  if (!shape.is_array()) throw ConvertError(where + ": 'shape' is not a list");
  std::vector<int64_t> dims;
  elements = 1;
  for (const json& dim : shape) {
    if (!dim.is_number_integer() || dim.get<int64_t>() < 0)
      throw ConvertError(where + ": shape " + shape.dump() + " has a dimension that is not a non-negative integer");
    int64_t d = dim.get<int64_t>();
    if (d != 0 && elements > kMaxBytes / d) throw ConvertError(where + ": shape " + shape.dump() + " is too large");
    elements *= d;
    dims.push_back(d);
  }
  return dims;
}

// float32 is what the IR holds; int32 is only skipped over (see the header).
int64_t bytesPerElement(const json& entry, const std::string& name, const std::string& dtype) {
  if (auto q = entry.find("quantization"); q != entry.end()) {
    auto qtype = q->is_object() ? q->find("dtype") : q->end();
    std::string stored = qtype != q->end() && qtype->is_string() ? qtype->get<std::string>() : "an unknown type";
    throw ConvertError("weight '" + name + "' (dtype " + dtype + ") is quantized to " + stored +
                       "; only unquantized float32 weights are supported");
  }
  if (dtype == "float32" || dtype == "int32") return 4;
  throw ConvertError("weight '" + name + "' has dtype " + dtype + "; only float32 weights are supported");
}

ManifestEntry parseEntry(const json& entry, const std::string& where) {
  if (!entry.is_object()) throw ConvertError(where + " is not an object");
  ManifestEntry parsed;
  parsed.name = stringField(entry, "name", where);
  std::string named = where + " ('" + parsed.name + "')";
  parsed.weight.dtype = stringField(entry, "dtype", named);
  int64_t elements = 0;
  parsed.weight.shape = parseShape(field(entry, "shape", named), elements, named);
  parsed.bytes = elements * bytesPerElement(entry, parsed.name, parsed.weight.dtype);
  return parsed;
}

std::vector<ManifestEntry> parseEntries(const json& group, size_t index, int64_t& total_bytes) {
  const json& weights = field(group, "weights", groupWhere(index));
  if (!weights.is_array()) throw ConvertError(groupWhere(index) + ": 'weights' is not a list");
  std::vector<ManifestEntry> entries;
  total_bytes = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    entries.push_back(parseEntry(weights[i], groupWhere(index) + ".weights[" + std::to_string(i) + "]"));
    total_bytes += entries.back().bytes;
    if (total_bytes > kMaxBytes) throw ConvertError(groupWhere(index) + " describes more weight bytes than supported");
  }
  return entries;
}

std::vector<ShardFile> findShards(const json& group, size_t index, const std::filesystem::path& dir) {
  const json& paths = field(group, "paths", groupWhere(index));
  if (!paths.is_array() || paths.empty()) throw ConvertError(groupWhere(index) + ": 'paths' is not a non-empty list");
  std::vector<ShardFile> shards;
  for (const json& p : paths) {
    if (!p.is_string()) throw ConvertError(groupWhere(index) + ": 'paths' holds a non-string " + p.dump());
    ShardFile shard{dir / p.get<std::string>(), 0};
    std::error_code error;
    if (!std::filesystem::is_regular_file(shard.path, error))
      throw ConvertError("weight shard '" + shard.path.string() + "' (listed in " + groupWhere(index) +
                         ") is missing or not a file");
    shard.bytes = int64_t(std::filesystem::file_size(shard.path, error));
    if (error) throw ConvertError("cannot read the size of weight shard '" + shard.path.string() + "'");
    shards.push_back(std::move(shard));
  }
  return shards;
}

// Checked before reading anything, so a wrong shard never costs a huge read.
void checkShardSizes(const std::vector<ShardFile>& shards, int64_t needed, size_t index, size_t weight_count) {
  int64_t held = 0;
  for (const ShardFile& s : shards) held += s.bytes;
  if (held == needed) return;
  std::string listed = "weight shard '" + shards[0].path.string() + "' holds";
  if (shards.size() > 1) {
    listed = "weight shards";
    for (size_t i = 0; i < shards.size(); ++i)
      listed += (i ? " + '" : " '") + shards[i].path.string() + "' (" + std::to_string(shards[i].bytes) + " bytes)";
    listed += " together hold";
  }
  throw ConvertError(listed + " " + std::to_string(held) + " bytes, " + (held < needed ? "shorter" : "longer") +
                     " than the " + std::to_string(needed) + " bytes that " + groupWhere(index) +
                     " describes for its " + std::to_string(weight_count) + " weights");
}

std::string readShards(const std::vector<ShardFile>& shards) {
  std::string bytes;
  for (const ShardFile& s : shards) {
    std::ifstream in(s.path, std::ios::binary);
    size_t start = bytes.size();
    bytes.resize(start + size_t(s.bytes));
    if (!in.read(bytes.data() + start, std::streamsize(s.bytes)))
      throw ConvertError("cannot read weight shard '" + s.path.string() + "'");
  }
  return bytes;
}

void readGroup(const json& group, size_t index, const std::filesystem::path& dir, TfjsWeights& out) {
  if (!group.is_object()) throw ConvertError(groupWhere(index) + " is not an object");
  int64_t needed = 0;
  std::vector<ManifestEntry> entries = parseEntries(group, index, needed);
  std::vector<ShardFile> shards = findShards(group, index, dir);
  checkShardSizes(shards, needed, index, entries.size());
  std::string bytes = readShards(shards);
  size_t offset = 0;
  for (ManifestEntry& entry : entries) {
    if (entry.weight.dtype == "float32") {
      entry.weight.values.resize(size_t(entry.bytes) / sizeof(float));
      std::memcpy(entry.weight.values.data(), bytes.data() + offset, size_t(entry.bytes));
    }
    offset += size_t(entry.bytes);
    if (!out.emplace(entry.name, std::move(entry.weight)).second)
      throw ConvertError("weightsManifest lists weight '" + entry.name + "' twice");
  }
}

}  // namespace

TfjsWeights readTfjsWeights(const json& manifest, const std::filesystem::path& model_json) {
  if (!manifest.is_array()) throw ConvertError("'weightsManifest' is not a list");
  TfjsWeights weights;
  for (size_t g = 0; g < manifest.size(); ++g) readGroup(manifest[g], g, model_json.parent_path(), weights);
  return weights;
}

}  // namespace vkpose::convert
