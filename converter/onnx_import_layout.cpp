// Transpose and Reshape, accepted only where they change nothing for the
// runtime, which keeps every tensor NCHW and supports any input size.
#include <algorithm>
#include <string>

#include "converter/onnx_import_ops.h"
#include "converter/onnx_tensors.h"

namespace vkpose::convert::onnximport {

namespace {

const std::vector<int64_t> kNhwcToNchw = {0, 3, 1, 2};
const std::vector<int64_t> kNchwToNhwc = {0, 2, 3, 1};

void emitIdentity(ImportState& state, const NodeSite& site, int input) {
  Node node;
  node.kind = OpKind::Identity;
  node.inputs = {input};
  node.in_channels = node.out_channels = state.graph.tensors[size_t(input)].channels;
  int channels = node.out_channels;
  state.emit(site, std::move(node), channels);
}

// Why target dimension `index` of a Reshape of [1, C, H, W] may differ from
// the input's, or "" when it provably keeps it. H and W are unknown because
// the graph accepts any input size. 0 copies the input dimension (allowzero
// 0) and a single -1 is inferred, which then equals the input's too.
std::string dimensionChange(size_t index, int64_t target, int channels) {
  if (target == 0 || target == -1) return "";
  if (index == 0) return target == 1 ? "" : "sets the batch to " + std::to_string(target);
  if (index == 1)
    return target == channels
               ? ""
               : "sets " + std::to_string(target) + " channels where the input has " + std::to_string(channels);
  return "fixes spatial dimension " + std::to_string(index) + " to " + std::to_string(target) +
         ", which holds for one input size only";
}

std::string reshapeChange(const std::vector<int64_t>& target, int channels, bool allow_zero) {
  if (target.size() != 4) return "has rank " + std::to_string(target.size()) + " instead of 4";
  if (std::count(target.begin(), target.end(), -1) > 1) return "has more than one -1";
  if (allow_zero && std::count(target.begin(), target.end(), 0) > 0) return "has a 0 dimension with allowzero 1";
  for (size_t i = 0; i < target.size(); ++i)
    if (std::string change = dimensionChange(i, target[i], channels); !change.empty()) return change;
  return "";
}

}  // namespace

void importTranspose(ImportState& state, const NodeSite& site) {
  site.requireInputs(1, 1);
  std::vector<int64_t> perm = intsAttribute(site, "perm");
  const std::string& input = site.proto->input(0);
  if (state.isNhwcInput(input)) {
    if (perm != kNhwcToNchw)
      site.fail("transposes the NHWC graph input with perm " + intsText(perm) + "; only [0,3,1,2] is supported");
    emitIdentity(state, site, state.readNhwcInput());
    return;
  }
  bool makes_graph_output = site.proto->output_size() == 1 && state.isGraphOutput(site.proto->output(0));
  if (perm == kNchwToNhwc && makes_graph_output) {
    emitIdentity(state, site, state.activation(site, input));
    return;
  }
  site.fail("perm " + (perm.empty() ? std::string("(reverse)") : intsText(perm)) +
            " is not supported; Transpose is only accepted as [0,3,1,2] directly on an NHWC graph input or "
            "[0,2,3,1] directly producing a graph output, because the runtime keeps every tensor NCHW");
}

void importReshape(ImportState& state, const NodeSite& site) {
  site.requireInputs(2, 2);
  int input = state.activation(site, site.proto->input(0));
  const onnx::TensorProto& shape = state.constant(site, site.proto->input(1), "shape");
  std::vector<int64_t> target = int64Values(shape, site.describe());
  bool allow_zero = intAttribute(site, "allowzero", 0) != 0;
  std::string change = reshapeChange(target, state.graph.tensors[size_t(input)].channels, allow_zero);
  if (!change.empty())
    site.fail("target shape " + intsText(target) + " " + change +
              "; only a Reshape that keeps the [1, C, H, W] shape (a no-op) is supported");
  emitIdentity(state, site, input);
}

}  // namespace vkpose::convert::onnximport
