// Small synthetic TF.js graph models (model.json + weight shards) written
// to a fresh temporary directory, for the TF.js front-end tests. Attrs are
// encoded the way TF's JSON export writes them: ints as decimal strings,
// strings base64 encoded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "converter/ir.h"
#include "converter/log.h"

namespace vkpose::test {

std::string tfBase64(std::string_view bytes);
nlohmann::json tfString(std::string_view text);                 // {"s": base64}
nlohmann::json tfStrings(const std::vector<std::string>& list);  // {"list": {"s": [base64...]}}
nlohmann::json tfInts(const std::vector<int64_t>& list);        // {"list": {"i": ["1", ...]}}

// strides [1,s,s,1], padding and data_format NHWC: a conv's or pool's attrs.
nlohmann::json windowAttr(const std::string& padding = "SAME", int stride = 1);

// Names of the heads poseHeads() adds, as in the real PoseNet graph.
inline constexpr const char* kHeatmapHead = "MobilenetV1/heatmap_2/BiasAdd";
inline constexpr const char* kOffsetHead = "MobilenetV1/offset_2/BiasAdd";
inline constexpr const char* kDisplacementFwdHead = "MobilenetV1/displacement_fwd_2/BiasAdd";
inline constexpr const char* kDisplacementBwdHead = "MobilenetV1/displacement_bwd_2/BiasAdd";

class TfjsModel {
 public:
  TfjsModel();   // an empty graph-model in a new temporary directory
  ~TfjsModel();  // removes the directory
  TfjsModel(const TfjsModel&) = delete;
  TfjsModel& operator=(const TfjsModel&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // model.json as write() will store it (weightsManifest is filled in
  // there); tests edit it to break things.
  nlohmann::json& modelJson() { return json_; }

  void placeholder(const std::string& name, const std::vector<int64_t>& nhwc);
  // A float32 Const and its manifest entry in the current group; empty
  // `values` gives a deterministic ramp of the right size.
  void constant(const std::string& name, const std::vector<int64_t>& shape, std::vector<float> values = {});
  // A Const whose manifest entry has any dtype (and `extra` fields such as
  // "quantization"), stored as `bytes` raw bytes.
  void rawConstant(const std::string& name, const std::vector<int64_t>& shape, const std::string& dtype,
                   std::string bytes, const nlohmann::json& extra = nlohmann::json::object());
  // Later constants go into a new weightsManifest group with its own shards.
  void newGroup();
  void node(const std::string& name, const std::string& op, const std::vector<std::string>& inputs,
            const nlohmann::json& attr = nlohmann::json::object());

  // `op` (Conv2D, DepthwiseConv2dNative or a fused one) reading `from`, with
  // a ramp filter "<name>/filter" of `filter_shape` (HWIO) and, for the
  // fused ops, a bias "<name>/bias" and fused_ops {BiasAdd, activations...}.
  void conv(const std::string& name, const std::string& op, const std::string& from,
            const std::vector<int64_t>& filter_shape, nlohmann::json attr = windowAttr(),
            const std::vector<std::string>& fused_activations = {});

  // The four PoseNet heads (1x1 _FusedConv2D with bias; 17/34/32/32
  // channels) reading `from`, which has `channels` channels. A 1x1 MaxPool
  // of `pool_stride` goes first when it is above 1, so that a small test
  // graph reaches PoseNet's output stride.
  void poseHeads(const std::string& from, int channels, int pool_stride = 16);

  // Writes model.json and each group's bytes split into `shards_per_group`
  // files (cut mid-weight when possible); returns model.json's path.
  std::string write(int shards_per_group = 1);
  // Stores modelJson() as model.json again, shards untouched: for tests that
  // break the manifest after write().
  void rewriteJson() const;
  // The path of shard `shard` of group `group` as write() names it.
  std::filesystem::path shardPath(int group, int shard, int shards_per_group = 1) const;

 private:
  struct Group {
    nlohmann::json weights = nlohmann::json::array();
    std::string bytes;
  };

  std::filesystem::path dir_;
  nlohmann::json json_;
  std::vector<Group> groups_{1};
  float next_ramp_ = 0.f;
};

// importTfjs with a quiet Log unless one is given.
convert::Graph importTfjsModel(const std::string& path, convert::Log* log = nullptr);
// The ConvertError message importing `path` gives, or "(no error)".
std::string tfjsImportError(const std::string& path);
// The node named `name`; throws std::invalid_argument when there is none.
const convert::Node& nodeNamed(const convert::Graph& graph, const std::string& name);

}  // namespace vkpose::test
