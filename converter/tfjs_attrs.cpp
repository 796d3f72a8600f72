#include "converter/tfjs_attrs.h"

#include <optional>
#include <tuple>
#include <vector>

namespace vkpose::convert {
namespace {

// Far beyond any real layer; keeps index arithmetic in int.
constexpr int64_t kMaxDim = int64_t(1) << 24;

void readExplicitPadding(const TfjsNode& node, Window& window) {
  std::optional<std::vector<int64_t>> pads = attrInts(node, "explicit_paddings");
  if (!pads || pads->size() != 8 || (*pads)[0] || (*pads)[1] || (*pads)[6] || (*pads)[7])
    throw ConvertError(describe(node) + ": EXPLICIT padding needs explicit_paddings [0,0, top,bottom, left,right, 0,0]");
  window.padding = PaddingMode::Explicit;
  window.pad_top = checkedInt((*pads)[2], 0, node, "top padding");
  window.pad_bottom = checkedInt((*pads)[3], 0, node, "bottom padding");
  window.pad_left = checkedInt((*pads)[4], 0, node, "left padding");
  window.pad_right = checkedInt((*pads)[5], 0, node, "right padding");
}

}  // namespace

int checkedInt(int64_t value, int64_t min, const TfjsNode& node, const std::string& what) {
  if (value < min || value > kMaxDim)
    throw ConvertError(describe(node) + ": " + what + " " + std::to_string(value) + " is out of range");
  return int(value);
}

void requireNhwc(const TfjsNode& node) {
  std::optional<std::string> format = attrString(node, "data_format");
  if (format && !format->empty() && *format != "NHWC")
    throw ConvertError(describe(node) + ": data_format " + *format + " is not supported, only NHWC");
}

std::pair<int, int> spatialPair(const TfjsNode& node, const char* key, bool required) {
  std::optional<std::vector<int64_t>> values = attrInts(node, key);
  if (!values && !required) return {1, 1};
  if (!values || values->size() != 4 || (*values)[0] != 1 || (*values)[3] != 1)
    throw ConvertError(describe(node) + ": attr '" + key + "' must be [1, h, w, 1] (NHWC)");
  return {checkedInt((*values)[1], 1, node, key), checkedInt((*values)[2], 1, node, key)};
}

Window readWindow(const TfjsNode& node, int kernel_h, int kernel_w) {
  Window window;
  window.kernel_h = kernel_h;
  window.kernel_w = kernel_w;
  std::tie(window.stride_h, window.stride_w) = spatialPair(node, "strides", true);
  std::tie(window.dilation_h, window.dilation_w) = spatialPair(node, "dilations", false);
  std::optional<std::string> padding = attrString(node, "padding");
  if (!padding) throw ConvertError(describe(node) + " has no 'padding' attr");
  if (*padding == "SAME") {
    window.padding = PaddingMode::SameUpper;  // TF puts the odd extra pixel at the end
  } else if (*padding == "VALID") {
    window.padding = PaddingMode::Valid;
  } else if (*padding == "EXPLICIT") {
    readExplicitPadding(node, window);
  } else {
    throw ConvertError(describe(node) + ": padding '" + *padding + "' is not SAME, VALID or EXPLICIT");
  }
  return window;
}

Activation readFusedOps(const TfjsNode& node) {
  std::vector<std::string> ops = attrStrings(node, "fused_ops");
  bool bias_first = !ops.empty() && ops[0] == "BiasAdd";
  bool activation_ok = ops.size() == 1 || (ops.size() == 2 && (ops[1] == "Relu" || ops[1] == "Relu6"));
  if (!bias_first || !activation_ok) {
    std::string listed;
    for (const std::string& op : ops) listed += (listed.empty() ? "" : ", ") + op;
    throw ConvertError(describe(node) + ": fused_ops [" + listed +
                       "] is not supported; only [BiasAdd], [BiasAdd, Relu] and [BiasAdd, Relu6] are");
  }
  int64_t num_args = attrInt(node, "num_args").value_or(0);
  if (num_args != 1)
    throw ConvertError(describe(node) + ": num_args is " + std::to_string(num_args) +
                       ", but a fused BiasAdd takes exactly 1 extra input");
  if (ops.size() == 1) return Activation::None;
  return ops[1] == "Relu" ? Activation::Relu : Activation::Clip;
}

}  // namespace vkpose::convert
