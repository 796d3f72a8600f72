#include "converter/tfjs_nodes.h"

#include <charconv>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "converter/ir.h"

namespace vkpose::convert {
namespace {

using nlohmann::json;

std::string nodeWhere(size_t index) { return "modelTopology.node[" + std::to_string(index) + "]"; }

std::string stringMember(const json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) throw ConvertError(where + " has no string '" + key + "'");
  return it->get<std::string>();
}

// "name" and "name:0" both read a node's only output; "^name" orders
// execution without passing data, which a topological sort already gives.
std::vector<std::string> parseInputs(const json& node, const std::string& where) {
  std::vector<std::string> inputs;
  auto it = node.find("input");
  if (it == node.end()) return inputs;
  if (!it->is_array()) throw ConvertError(where + ": 'input' is not a list");
  for (const json& input : *it) {
    if (!input.is_string()) throw ConvertError(where + ": 'input' holds a non-string " + input.dump());
    std::string name = input.get<std::string>();
    if (name.starts_with('^')) continue;
    if (size_t colon = name.find(':'); colon != std::string::npos) {
      if (name.substr(colon) != ":0")
        throw ConvertError(where + " reads '" + name + "'; only the first output of a node can be read");
      name.resize(colon);
    }
    inputs.push_back(name);
  }
  return inputs;
}

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // standard and URL-safe alphabets
  if (c == '/' || c == '_') return 63;
  return -1;
}

int64_t parseInt(const json& value, const std::string& what) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    int64_t parsed = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (error == std::errc() && end == text.data() + text.size()) return parsed;
  }
  throw ConvertError(what + " holds " + value.dump() + ", not an integer");
}

// attr[key][member], or nullptr when attr[key] is absent. Protobuf's JSON
// leaves out default values, so a present attr may lack `member`: then
// `missing` is returned.
const json* attrMember(const TfjsNode& node, const char* key, const char* member, const json& missing) {
  auto it = node.attr.find(key);
  if (it == node.attr.end()) return nullptr;
  if (!it->is_object()) throw ConvertError(describe(node) + ": attr '" + key + "' is not an object");
  auto value = it->find(member);
  return value == it->end() ? &missing : &*value;
}

const json* attrListMember(const TfjsNode& node, const char* key, const char* member) {
  static const json empty_list = json::array();
  static const json empty_object = json::object();
  const json* list = attrMember(node, key, "list", empty_object);
  if (!list) return nullptr;
  if (!list->is_object()) throw ConvertError(describe(node) + ": attr '" + key + "' has a malformed list");
  auto it = list->find(member);
  if (it == list->end()) return &empty_list;
  if (!it->is_array()) throw ConvertError(describe(node) + ": attr '" + key + "' has a malformed list");
  return &*it;
}

}  // namespace

std::string describe(const TfjsNode& node) { return "node '" + node.name + "' (" + node.op + ")"; }

std::vector<TfjsNode> parseTfjsNodes(const json& topology) {
  auto list = topology.is_object() ? topology.find("node") : topology.end();
  if (list == topology.end() || !list->is_array())
    throw ConvertError("modelTopology has no 'node' list (is this a TF.js graph model?)");
  std::vector<TfjsNode> nodes;
  std::set<std::string> names;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& entry = (*list)[i];
    if (!entry.is_object()) throw ConvertError(nodeWhere(i) + " is not an object");
    TfjsNode node{stringMember(entry, "name", nodeWhere(i)), "", {}, json::object()};
    std::string where = nodeWhere(i) + " '" + node.name + "'";
    node.op = stringMember(entry, "op", where);
    node.inputs = parseInputs(entry, where);
    if (auto attr = entry.find("attr"); attr != entry.end()) {
      if (!attr->is_object()) throw ConvertError(where + ": 'attr' is not an object");
      node.attr = *attr;
    }
    if (!names.insert(node.name).second) throw ConvertError("two nodes are named '" + node.name + "'");
    nodes.push_back(std::move(node));
  }
  return nodes;
}

void sortTopologically(std::vector<TfjsNode>& nodes) {
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < nodes.size(); ++i) index_of[nodes[i].name] = i;
  std::vector<std::vector<size_t>> readers(nodes.size());
  std::vector<size_t> pending(nodes.size(), 0);
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& input : std::set<std::string>(nodes[i].inputs.begin(), nodes[i].inputs.end())) {
      auto producer = index_of.find(input);
      if (producer == index_of.end())
        throw ConvertError(describe(nodes[i]) + " reads '" + input + "', which is not a node of the graph");
      readers[producer->second].push_back(i);
      ++pending[i];
    }
  }
  // Always taking the lowest ready index keeps the file's order where it is valid.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<TfjsNode> sorted;
  while (!ready.empty()) {
    size_t next = ready.top();
    ready.pop();
    for (size_t reader : readers[next])
      if (--pending[reader] == 0) ready.push(reader);
    sorted.push_back(std::move(nodes[next]));
  }
  if (sorted.size() != nodes.size()) {
    for (size_t i = 0; i < nodes.size(); ++i)
      if (pending[i] != 0) throw ConvertError(describe(nodes[i]) + " is part of a cycle");
  }
  nodes = std::move(sorted);
}

std::string base64Decode(std::string_view text, const std::string& what) {
  std::string_view data = text;
  for (int i = 0; i < 2 && data.ends_with('='); ++i) data.remove_suffix(1);
  auto invalid = [&] { return ConvertError(what + " is not valid base64: '" + std::string(text) + "'"); };
  if (data.size() % 4 == 1) throw invalid();
  std::string decoded;
  uint32_t bits = 0;
  int bit_count = 0;
  for (char c : data) {
    int value = base64Value(c);
    if (value < 0) throw invalid();
    bits = (bits << 6) | uint32_t(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      decoded.push_back(char((bits >> bit_count) & 0xFFu));
      bits &= (1u << bit_count) - 1u;
    }
  }
  return decoded;
}

std::optional<std::string> attrString(const TfjsNode& node, const char* key) {
  static const json empty = "";
  const json* value = attrMember(node, key, "s", empty);
  if (!value) return std::nullopt;
  std::string what = describe(node) + ": attr '" + key + "'";
  if (!value->is_string()) throw ConvertError(what + " is not a string");
  return base64Decode(value->get_ref<const std::string&>(), what);
}

std::vector<std::string> attrStrings(const TfjsNode& node, const char* key) {
  const json* list = attrListMember(node, key, "s");
  std::vector<std::string> strings;
  if (!list) return strings;
  std::string what = describe(node) + ": attr '" + key + "'";
  for (const json& s : *list) {
    if (!s.is_string()) throw ConvertError(what + " holds a non-string " + s.dump());
    strings.push_back(base64Decode(s.get_ref<const std::string&>(), what));
  }
  return strings;
}

std::optional<std::vector<int64_t>> attrInts(const TfjsNode& node, const char* key) {
  const json* list = attrListMember(node, key, "i");
  if (!list) return std::nullopt;
  std::vector<int64_t> ints;
  for (const json& i : *list) ints.push_back(parseInt(i, describe(node) + ": attr '" + key + "'"));
  return ints;
}

std::optional<int64_t> attrInt(const TfjsNode& node, const char* key) {
  static const json zero = 0;
  const json* value = attrMember(node, key, "i", zero);
  if (!value) return std::nullopt;
  return parseInt(*value, describe(node) + ": attr '" + key + "'");
}

std::vector<int64_t> placeholderDims(const TfjsNode& node) {
  static const json scalar = json::object();  // what protobuf's JSON leaves of an empty shape
  const json* shape = attrMember(node, "shape", "shape", scalar);
  if (!shape) throw ConvertError(describe(node) + " has no 'shape' attr; the input must be 4-D NHWC");
  if (!shape->is_object()) throw ConvertError(describe(node) + ": attr 'shape' is not an object");
  if (auto unknown = shape->find("unknownRank"); unknown != shape->end() && *unknown == true)
    throw ConvertError(describe(node) + " has unknown rank; the input must be 4-D NHWC");
  auto dims = shape->find("dim");
  std::vector<int64_t> sizes;
  if (dims == shape->end()) return sizes;
  if (!dims->is_array()) throw ConvertError(describe(node) + ": attr 'shape' has a malformed 'dim' list");
  for (const json& dim : *dims) {
    // Exporters write -1 for unknown sizes; a missing size is taken the same way.
    bool has_size = dim.is_object() && dim.contains("size");
    sizes.push_back(has_size ? parseInt(dim.at("size"), describe(node) + ": attr 'shape'") : -1);
  }
  return sizes;
}

}  // namespace vkpose::convert
