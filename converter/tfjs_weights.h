// TF.js weightsManifest reading. Each manifest group lists its shard files
// and its weights; the shards, concatenated in the order listed, hold the
// weights packed back to back in the order listed, with no padding.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace vkpose::convert {

struct TfjsWeight {
  std::string dtype;           // as the manifest says: "float32" or "int32"
  std::vector<int64_t> shape;
  std::vector<float> values;   // float32 weights only; int32 ones stay empty
};

using TfjsWeights = std::map<std::string, TfjsWeight>;

// `manifest` is model.json's weightsManifest; shard paths are relative to
// the directory holding `model_json`. int32 weights are skipped over but
// kept (without values) so that a node using one can be refused by name;
// quantized weights and every other dtype are refused here. Throws
// ConvertError naming the manifest entry, weight or shard at fault.
TfjsWeights readTfjsWeights(const nlohmann::json& manifest, const std::filesystem::path& model_json);

}  // namespace vkpose::convert
