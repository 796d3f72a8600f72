#include "converter/onnx_attributes.h"

#include <climits>
#include <string>

namespace vkpose::convert::onnximport {

std::string NodeSite::label() const {
  if (!proto->name().empty()) return "'" + proto->name() + "'";
  if (proto->output_size() > 0) return "<unnamed, output '" + proto->output(0) + "'>";
  return "<unnamed>";
}

std::string NodeSite::describe() const {
  return "node " + label() + " (" + proto->op_type() + ", node " + std::to_string(position) + " of " +
         std::to_string(count) + ")";
}

std::string NodeSite::irName() const {
  if (!proto->name().empty()) return proto->name();
  return proto->output_size() > 0 ? proto->output(0) : proto->op_type();
}

void NodeSite::fail(const std::string& what) const { throw ConvertError(describe() + ": " + what); }

void NodeSite::requireInputs(int min, int max) const {
  int inputs = proto->input_size();
  if (inputs >= min && inputs <= max) return;
  std::string expected = min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
  fail("has " + std::to_string(inputs) + " inputs, expected " + expected);
}

const onnx::AttributeProto* findAttribute(const onnx::NodeProto& node, std::string_view name) {
  for (const auto& attribute : node.attribute())
    if (attribute.name() == name) return &attribute;
  return nullptr;
}

namespace {

const char* attributeTypeName(onnx::AttributeProto::AttributeType type) {
  switch (type) {
    case onnx::AttributeProto::FLOAT: return "FLOAT";
    case onnx::AttributeProto::INT: return "INT";
    case onnx::AttributeProto::STRING: return "STRING";
    case onnx::AttributeProto::TENSOR: return "TENSOR";
    case onnx::AttributeProto::FLOATS: return "FLOATS";
    case onnx::AttributeProto::INTS: return "INTS";
    case onnx::AttributeProto::STRINGS: return "STRINGS";
    default: return "another type";
  }
}

// The attribute if present and of `type`; a present attribute of another
// type is an error rather than a silent fallback.
const onnx::AttributeProto* typedAttribute(const NodeSite& site, std::string_view name,
                                           onnx::AttributeProto::AttributeType type) {
  const onnx::AttributeProto* attribute = findAttribute(*site.proto, name);
  if (attribute && attribute->type() != type)
    site.fail("attribute '" + std::string(name) + "' is " + attributeTypeName(attribute->type()) + ", expected " +
              attributeTypeName(type));
  return attribute;
}

}  // namespace

int64_t intAttribute(const NodeSite& site, std::string_view name, int64_t fallback) {
  const auto* attribute = typedAttribute(site, name, onnx::AttributeProto::INT);
  return attribute ? attribute->i() : fallback;
}

float floatAttribute(const NodeSite& site, std::string_view name, float fallback) {
  const auto* attribute = typedAttribute(site, name, onnx::AttributeProto::FLOAT);
  return attribute ? attribute->f() : fallback;
}

std::string stringAttribute(const NodeSite& site, std::string_view name, const std::string& fallback) {
  const auto* attribute = typedAttribute(site, name, onnx::AttributeProto::STRING);
  return attribute ? attribute->s() : fallback;
}

std::vector<int64_t> intsAttribute(const NodeSite& site, std::string_view name) {
  const auto* attribute = typedAttribute(site, name, onnx::AttributeProto::INTS);
  if (!attribute) return {};
  return {attribute->ints().begin(), attribute->ints().end()};
}

std::string intsText(const std::vector<int64_t>& values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) text += (i ? "," : "") + std::to_string(values[i]);
  return text + "]";
}

int toInt(const NodeSite& site, std::string_view field, int64_t value, int64_t min_value) {
  if (value < min_value || value > INT_MAX)
    site.fail(std::string(field) + " " + std::to_string(value) + " is out of range (minimum " +
              std::to_string(min_value) + ")");
  return int(value);
}

}  // namespace vkpose::convert::onnximport
