// TF.js graph-model topology: the node list of model.json and TF's attr
// encoding (ints as decimal strings, strings base64 encoded).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vkpose::convert {

struct TfjsNode {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // producer node names; ":0" suffixes and control inputs dropped
  nlohmann::json attr;              // an object, possibly empty
};

// Reads modelTopology.node. Throws ConvertError on a malformed node, a
// duplicate name or an input naming another than the first output of a node.
std::vector<TfjsNode> parseTfjsNodes(const nlohmann::json& topology);

// Stable topological order (nodes already in order keep it). Throws on an
// input no node produces and on cycles.
void sortTopologically(std::vector<TfjsNode>& nodes);

// "node 'name' (Op)", the prefix of every message about a node.
std::string describe(const TfjsNode& node);

// Decodes standard base64 with '=' padding; `what` names the value in errors.
std::string base64Decode(std::string_view text, const std::string& what);

// attr[key].s, decoded; nullopt when the attr is absent.
std::optional<std::string> attrString(const TfjsNode& node, const char* key);
// attr[key].list.s, decoded; empty when absent.
std::vector<std::string> attrStrings(const TfjsNode& node, const char* key);
// attr[key].list.i; nullopt when absent.
std::optional<std::vector<int64_t>> attrInts(const TfjsNode& node, const char* key);
// attr[key].i; nullopt when absent.
std::optional<int64_t> attrInt(const TfjsNode& node, const char* key);
// attr.shape.shape.dim of a Placeholder; unknown sizes are -1. Throws when
// the rank is unknown.
std::vector<int64_t> placeholderDims(const TfjsNode& node);

}  // namespace vkpose::convert
