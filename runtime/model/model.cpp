#include "runtime/model/model.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "runtime/model/model_decode.h"
#include "schema/vkpose_generated.h"

namespace vkpose {

namespace {

constexpr size_t kHeaderBytes = 8;  // root offset + file identifier

void checkContainer(std::span<const uint8_t> bytes, const std::string& source) {
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE)
    throw ModelError(source + " is too large to be a .vkpose model (" + std::to_string(bytes.size()) + " bytes)");
  if (bytes.size() < kHeaderBytes)
    throw ModelError(source + " is not a .vkpose model (" + std::to_string(bytes.size()) +
                     " bytes, too short for a file identifier)");
  if (!schema::ModelBufferHasIdentifier(bytes.data())) {
    std::string_view identifier(reinterpret_cast<const char*>(bytes.data()) + 4, 4);
    throw ModelError(source + " is not a .vkpose model (file identifier '" + escapeText(identifier) + "', expected '" +
                     schema::ModelIdentifier() + "')");
  }
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!schema::VerifyModelBuffer(verifier))
    throw ModelError(source + " is corrupt: flatbuffer verification failed");
}

void checkVersion(uint32_t version, const std::string& source) {
  if (version > kModelSchemaVersion)
    throw ModelError(source + " was written by schema version " + std::to_string(version) +
                     "; this build reads up to " + std::to_string(kModelSchemaVersion) + " — update vkpose");
  if (version == 0) throw ModelError(source + " is corrupt: it records no schema version");
}

std::vector<uint8_t> readFile(const std::string& path) {
  auto fail = [&](const std::string& reason) { throw ModelError("cannot read model file " + path + ": " + reason); };
  std::error_code error;
  uintmax_t size = std::filesystem::file_size(path, error);
  if (error) fail(error.message());
  if (size >= FLATBUFFERS_MAX_BUFFER_SIZE) fail("file is too large (" + std::to_string(size) + " bytes)");
  std::ifstream file(path, std::ios::binary);
  if (!file) fail(std::strerror(errno));
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  file.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
  if (file.gcount() != std::streamsize(bytes.size())) fail("short read");
  return bytes;
}

}  // namespace

const char* nodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::Conv2d: return "Conv2d";
    case NodeKind::DepthwiseConv2d: return "DepthwiseConv2d";
    case NodeKind::MaxPool: return "MaxPool";
    case NodeKind::AveragePool: return "AveragePool";
    case NodeKind::Add: return "Add";
  }
  return "?";
}

const char* paddingModeName(PaddingMode mode) {
  switch (mode) {
    case PaddingMode::Explicit: return "explicit";
    case PaddingMode::SameUpper: return "same_upper";
    case PaddingMode::SameLower: return "same_lower";
    case PaddingMode::Valid: return "valid";
  }
  return "?";
}

const char* weightLayoutName(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::OIHW: return "OIHW";
    case WeightLayout::DenseC4: return "DenseC4";
    case WeightLayout::DepthwiseC4: return "DepthwiseC4";
  }
  return "?";
}

const char* preprocessingName(Preprocessing p) {
  switch (p) {
    case Preprocessing::MobileNet: return "MobileNet";
    case Preprocessing::ResNet: return "ResNet";
  }
  return "?";
}

const char* outputRoleName(OutputRole role) {
  switch (role) {
    case OutputRole::Heatmap: return "heatmap";
    case OutputRole::Offsets: return "offsets";
    case OutputRole::DisplacementFwd: return "displacement_fwd";
    case OutputRole::DisplacementBwd: return "displacement_bwd";
  }
  return "?";
}

bool WindowSpec::operator==(const WindowSpec& o) const {
  return kernel_h == o.kernel_h && kernel_w == o.kernel_w && stride_h == o.stride_h && stride_w == o.stride_w &&
         dilation_h == o.dilation_h && dilation_w == o.dilation_w && padding == o.padding && pad.top == o.pad.top &&
         pad.left == o.pad.left && pad.bottom == o.pad.bottom && pad.right == o.pad.right;
}

bool ModelNode::operator==(const ModelNode& o) const {
  return name == o.name && kind == o.kind && inputs == o.inputs && output == o.output && window == o.window &&
         in_channels == o.in_channels && out_channels == o.out_channels &&
         epilogue.activation == o.epilogue.activation && epilogue.clip_min == o.epilogue.clip_min &&
         epilogue.clip_max == o.epilogue.clip_max && count_include_pad == o.count_include_pad &&
         weights == o.weights && bias == o.bias;
}

std::string describeNode(const Model& model, size_t node_index) {
  const ModelNode& node = model.nodes[node_index];
  return "node " + std::to_string(node_index) + " '" + escapeText(node.name) + "' (" + nodeKindName(node.kind) +
         ")";
}

std::string escapeText(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  std::string escaped;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\'' && c != '\\') {
      escaped += c;
    } else {
      escaped += "\\x";
      escaped += hex[byte >> 4];
      escaped += hex[byte & 15];
    }
  }
  return escaped;
}

Model parseModel(std::span<const uint8_t> bytes, const std::string& source) {
  checkContainer(bytes, source);
  const schema::Model* root = schema::GetModel(bytes.data());
  checkVersion(root->version(), source);
  Model model = decodeModel(*root, source);
  validateModel(model, source);
  return model;
}

Model loadModel(const std::string& path) { return parseModel(readFile(path), path); }

}  // namespace vkpose
