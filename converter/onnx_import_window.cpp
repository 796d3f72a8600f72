// Window attributes (Conv and pools) and the pooling operators.
#include <algorithm>
#include <string>
#include <tuple>

#include "converter/onnx_import_ops.h"

namespace vkpose::convert::onnximport {

namespace {

// A two-value spatial attribute ([h, w]) of positive values; `fallback` when
// absent.
std::pair<int, int> readPair(const NodeSite& site, const char* name, std::pair<int, int> fallback) {
  std::vector<int64_t> values = intsAttribute(site, name);
  if (values.empty()) return fallback;
  if (values.size() != 2)
    site.fail(std::string(name) + " " + intsText(values) + " has " + std::to_string(values.size()) +
              " values; only 2-D (h, w) windows are supported");
  return {toInt(site, name, values[0], 1), toInt(site, name, values[1], 1)};
}

void readExplicitPads(const NodeSite& site, const std::vector<int64_t>& pads, Window& window) {
  if (pads.empty()) return;
  if (pads.size() != 4) site.fail("pads " + intsText(pads) + " must have 4 values [top, left, bottom, right]");
  window.pad_top = toInt(site, "pads", pads[0], 0);
  window.pad_left = toInt(site, "pads", pads[1], 0);
  window.pad_bottom = toInt(site, "pads", pads[2], 0);
  window.pad_right = toInt(site, "pads", pads[3], 0);
}

PaddingMode paddingMode(const NodeSite& site, const std::string& auto_pad) {
  if (auto_pad == "NOTSET") return PaddingMode::Explicit;
  if (auto_pad == "SAME_UPPER") return PaddingMode::SameUpper;
  if (auto_pad == "SAME_LOWER") return PaddingMode::SameLower;
  if (auto_pad == "VALID") return PaddingMode::Valid;
  site.fail("auto_pad '" + auto_pad + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
}

void importPool(ImportState& state, const NodeSite& site, OpKind kind) {
  site.requireInputs(1, 1);
  if (int64_t ceil_mode = intAttribute(site, "ceil_mode", 0); ceil_mode != 0)
    site.fail("ceil_mode " + std::to_string(ceil_mode) + " is not supported; the runtime rounds output sizes down");
  auto [kernel_h, kernel_w] = readKernelShape(site, {0, 0});
  if (kernel_h == 0) site.fail("has no kernel_shape");
  Node node;
  node.kind = kind;
  node.window = readWindow(site, kernel_h, kernel_w);
  if (node.window.dilation_h != 1 || node.window.dilation_w != 1)
    site.fail("dilations " + intsText(intsAttribute(site, "dilations")) + " are not supported for pooling; only 1");
  if (kind == OpKind::AveragePool) node.count_include_pad = intAttribute(site, "count_include_pad", 0) != 0;
  node.inputs = {state.activation(site, site.proto->input(0))};
  int channels = state.graph.tensors[size_t(node.inputs[0])].channels;
  node.in_channels = node.out_channels = channels;
  state.emit(site, std::move(node), channels);
}

}  // namespace

std::pair<int, int> readKernelShape(const NodeSite& site, std::pair<int, int> fallback) {
  return readPair(site, "kernel_shape", fallback);
}

Window readWindow(const NodeSite& site, int kernel_h, int kernel_w) {
  Window window;
  window.kernel_h = kernel_h;
  window.kernel_w = kernel_w;
  std::tie(window.stride_h, window.stride_w) = readPair(site, "strides", {1, 1});
  std::tie(window.dilation_h, window.dilation_w) = readPair(site, "dilations", {1, 1});
  window.padding = paddingMode(site, stringAttribute(site, "auto_pad", "NOTSET"));
  std::vector<int64_t> pads = intsAttribute(site, "pads");
  bool any_pad = std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; });
  if (window.padding != PaddingMode::Explicit && any_pad)
    site.fail("pads " + intsText(pads) + " conflict with auto_pad '" + stringAttribute(site, "auto_pad", "") + "'");
  if (window.padding == PaddingMode::Explicit) readExplicitPads(site, pads, window);
  return window;
}

void importMaxPool(ImportState& state, const NodeSite& site) { importPool(state, site, OpKind::MaxPool); }
void importAveragePool(ImportState& state, const NodeSite& site) { importPool(state, site, OpKind::AveragePool); }

}  // namespace vkpose::convert::onnximport
