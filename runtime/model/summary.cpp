#include "runtime/model/summary.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "runtime/model/shapes.h"

namespace vkpose {

namespace {

constexpr size_t kColumns = 8;
using Row = std::array<std::string, kColumns>;
constexpr std::array<bool, kColumns> kRightAligned = {true, false, false, false, false, false, true, true};

std::string grouped(uint64_t value) {
  std::string digits = std::to_string(value), text;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

std::string fixed(double value, int decimals, const char* unit) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f %s", decimals, value, unit);
  return text;
}

std::string mebibytes(uint64_t bytes) { return fixed(double(bytes) / (1024.0 * 1024.0), 2, "MiB"); }

uint64_t tensorBytes(Shape s) { return s.vec4Count() * 4 * sizeof(float); }

std::string activationText(const Epilogue& e) {
  if (e.activation == Activation::None) return "-";
  if (e.activation != Activation::Clip) return activationSuffix(e.activation);
  char text[64];
  std::snprintf(text, sizeof text, "clip(%g,%g)", double(e.clip_min), double(e.clip_max));
  return text;
}

uint64_t parameterCount(const ModelNode& n) {
  uint64_t taps = uint64_t(n.window.kernel_h) * uint64_t(n.window.kernel_w);
  uint64_t bias = n.bias.values.empty() ? 0 : uint64_t(n.out_channels);
  if (n.kind == NodeKind::Conv2d) return uint64_t(n.out_channels) * uint64_t(n.in_channels) * taps + bias;
  if (n.kind == NodeKind::DepthwiseConv2d) return uint64_t(n.out_channels) * taps + bias;
  return 0;
}

// Zero for pools and Add, which have no parameters.
uint64_t macCount(const ModelNode& n, Shape out) {
  uint64_t per_output = parameterCount(n) - (n.bias.values.empty() ? 0 : uint64_t(n.out_channels));
  return per_output * uint64_t(out.h) * uint64_t(out.w);
}

std::string windowText(const ModelNode& n, const ConvParams& params) {
  if (n.kind == NodeKind::Add) return "-";
  std::string text = params.str();
  if (n.window.padding != PaddingMode::Explicit) text += std::string(" ") + paddingModeName(n.window.padding);
  if (n.kind == NodeKind::AveragePool && n.count_include_pad) text += " incl_pad";
  return text;
}

std::string formatTable(const std::vector<Row>& rows) {
  std::array<size_t, kColumns> width{};
  for (const Row& row : rows)
    for (size_t c = 0; c < kColumns; ++c) width[c] = std::max(width[c], row[c].size());
  std::string text;
  for (const Row& row : rows) {
    std::string line;
    for (size_t c = 0; c < kColumns; ++c) {
      std::string pad(width[c] - row[c].size(), ' ');
      line += (c ? "  " : "") + (kRightAligned[c] ? pad + row[c] : row[c] + pad);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    text += line + "\n";
  }
  return text;
}

std::string nodeTable(const Model& model, const ShapePlan& plan) {
  std::vector<Row> rows = {{"#", "name", "kind", "window", "act", "in -> out", "params", "MACs"}};
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const ModelNode& n = model.nodes[i];
    Shape out = plan.tensors[size_t(n.output)];
    std::string shapes = plan.tensors[size_t(n.inputs[0])].str();
    if (n.kind == NodeKind::Add) shapes += " + " + plan.tensors[size_t(n.inputs[1])].str();
    uint64_t params = parameterCount(n);
    rows.push_back({std::to_string(i), escapeText(n.name), nodeKindName(n.kind), windowText(n, plan.windows[i]),
                    activationText(n.epilogue), shapes + " -> " + out.str(), params ? grouped(params) : "-",
                    params ? grouped(macCount(n, out)) : "-"});
  }
  return formatTable(rows);
}

std::string totals(const Model& model, const ShapePlan& plan) {
  uint64_t params = 0, macs = 0, memory = 0;
  for (const ModelNode& n : model.nodes) {
    params += parameterCount(n);
    macs += macCount(n, plan.tensors[size_t(n.output)]);
  }
  size_t largest = 0;
  for (size_t t = 0; t < plan.tensors.size(); ++t) {
    memory += tensorBytes(plan.tensors[t]);
    if (tensorBytes(plan.tensors[t]) > tensorBytes(plan.tensors[largest])) largest = t;
  }
  std::string text = "parameters: " + grouped(params) + "\n";
  text += "MACs: " + grouped(macs) + " (" + fixed(double(macs) / 1e9, 3, "G") + ")\n";
  text += "activation memory (naive: all " + std::to_string(plan.tensors.size()) +
          " tensors live, fp32, C4-padded): " + mebibytes(memory) + "\n";
  text += "largest tensor: '" + escapeText(model.tensors[largest].name) + "' " + plan.tensors[largest].str() +
          " (" + mebibytes(tensorBytes(plan.tensors[largest])) + ")\n";
  return text;
}

std::string metadataText(const Model& model, const ShapePlan& plan) {
  const ModelMetadata& meta = model.metadata;
  std::string text = "architecture: " + escapeText(meta.architecture) + "\n";
  text += "source: " + escapeText(meta.source) + "\npreprocessing: ";
  if (meta.preprocessing == Preprocessing::MobileNet) {
    text += "MobileNet (x / 127.5 - 1)";
  } else {
    char mean[96];
    std::snprintf(mean, sizeof mean, "ResNet (x + [%g, %g, %g])", double(meta.mean[0]), double(meta.mean[1]),
                  double(meta.mean[2]));
    text += mean;
  }
  text += "\noutput stride: " + std::to_string(meta.output_stride) + "\nkeypoints: " +
          std::to_string(meta.keypoint_names.size()) + ", skeleton edges: " + std::to_string(meta.skeleton.size()) +
          "\noutputs:\n";
  for (const ModelOutput& o : model.outputs)
    text += std::string("  ") + outputRoleName(o.role) + " -> '" + escapeText(model.tensors[size_t(o.tensor)].name) +
            "' " + plan.tensors[size_t(o.tensor)].str() + "\n";
  return text;
}

}  // namespace

std::string summarizeModel(const Model& model, int input_size) {
  ShapePlan plan = planShapes(model, input_size, input_size);
  return "input: " + plan.tensors[size_t(model.input)].str() + "\n\n" + nodeTable(model, plan) + "\n" +
         totals(model, plan) + "\n" + metadataText(model, plan);
}

}  // namespace vkpose
