#include "converter/onnx_import_ops.h"

#include <string>
#include <unordered_map>

namespace vkpose::convert::onnximport {

namespace {

using OpImporter = void (*)(ImportState&, const NodeSite&);

const std::unordered_map<std::string, OpImporter>& opImporters() {
  static const std::unordered_map<std::string, OpImporter> importers = {
      {"Conv", importConv},           {"BatchNormalization", importBatchNorm},
      {"MaxPool", importMaxPool},     {"AveragePool", importAveragePool},
      {"Relu", importRelu},           {"Sigmoid", importSigmoid},
      {"Clip", importClip},           {"Add", importAdd},
      {"Identity", importIdentity},   {"Constant", importConstant},
      {"Transpose", importTranspose}, {"Reshape", importReshape},
  };
  return importers;
}

bool isDefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

}  // namespace

void importNode(ImportState& state, const NodeSite& site) {
  const onnx::NodeProto& proto = *site.proto;
  auto found = opImporters().find(proto.op_type());
  if (!isDefaultDomain(proto.domain()) || found == opImporters().end()) {
    std::string op = isDefaultDomain(proto.domain()) ? proto.op_type() : proto.domain() + "." + proto.op_type();
    throw ConvertError("unsupported operator '" + op + "' in node " + site.label() + " (node " +
                       std::to_string(site.position) + " of " + std::to_string(site.count) + ")");
  }
  found->second(state, site);
}

}  // namespace vkpose::convert::onnximport
