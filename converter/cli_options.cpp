#include "converter/cli_options.h"

#include <charconv>
#include <stdexcept>

namespace vkpose::convert {

namespace {

int parseSize(const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0)
    throw std::invalid_argument("--input expects a positive integer size, got '" + text + "'");
  return value;
}

const std::string& valueAfter(const std::vector<std::string>& args, size_t& i) {
  if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
  return args[++i];
}

void setMode(CliOptions& o, CliMode mode, const std::string& flag) {
  if (o.mode != CliMode::Convert && o.mode != mode)
    throw std::invalid_argument(flag + " cannot be combined with another mode");
  o.mode = mode;
}

void checkComplete(const CliOptions& o) {
  if (o.mode == CliMode::Help) return;
  if (o.input.empty()) throw std::invalid_argument("no input model given");
  if (o.mode == CliMode::Convert && o.output.empty()) throw std::invalid_argument("no output given (-o OUT.vkpose)");
  if (o.mode == CliMode::Inspect && !o.output.empty()) throw std::invalid_argument("--inspect writes nothing; drop -o");
  if (o.mode == CliMode::ToOnnx && o.fp16) throw std::invalid_argument("--fp16 applies to .vkpose output only");
}

}  // namespace

CliOptions parseCli(const std::vector<std::string>& args) {
  CliOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      o.mode = CliMode::Help;
    } else if (a == "-o" || a == "--output") {
      o.output = valueAfter(args, i);
    } else if (a == "--to-onnx") {
      setMode(o, CliMode::ToOnnx, a);
      o.output = valueAfter(args, i);
    } else if (a == "--inspect") {
      setMode(o, CliMode::Inspect, a);
    } else if (a == "--input") {
      o.inspect_size = parseSize(valueAfter(args, i));
    } else if (a == "--fp16") {
      o.fp16 = true;
    } else if (a == "-v" || a == "--verbose") {
      o.verbose = true;
    } else if (!a.empty() && a[0] == '-') {
      throw std::invalid_argument("unknown option '" + a + "'");
    } else if (o.input.empty()) {
      o.input = a;
    } else {
      throw std::invalid_argument("unexpected argument '" + a + "' (only one input model)");
    }
  }
  checkComplete(o);
  return o;
}

const char* cliUsage() {
  return "usage:\n"
         "  vkpose-convert MODEL -o OUT.vkpose [--fp16] [-v]   convert ONNX (.onnx) or TF.js (model.json)\n"
         "  vkpose-convert MODEL --to-onnx OUT.onnx [-v]        export standard ONNX\n"
         "  vkpose-convert --inspect MODEL.vkpose [--input N]   layers, shapes, MACs for input size N (257)\n"
         "options:\n"
         "  --fp16      store weights as fp16\n"
         "  -v          log every rewrite the passes make\n";
}

}  // namespace vkpose::convert
