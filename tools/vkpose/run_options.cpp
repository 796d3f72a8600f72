#include "tools/vkpose/run_options.h"

#include <stdexcept>

#include "tools/cli_args.h"

namespace vkpose::cli {

namespace {

using cli_args::parseNumber;
using cli_args::setPrecisionFlag;
using cli_args::valueAfter;

}  // namespace

RunOptions parseRunOptions(const std::vector<std::string>& args) {
  RunOptions o;
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    o.help = true;
    return o;
  }
  if (args[0] != "run") throw std::invalid_argument("unknown command '" + args[0] + "' (expected 'run')");
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--model") o.model = valueAfter(args, i);
    else if (a == "--image") o.image = valueAfter(args, i);
    else if (a == "--input-size") o.input_size = parseNumber<int>(a, valueAfter(args, i));
    else if (a == "--json") o.json_path = valueAfter(args, i);
    else if (a == "--draw") o.draw_path = valueAfter(args, i);
    else if (a == "--min-score") o.min_score = parseNumber<float>(a, valueAfter(args, i));
    else if (a == "--fp16" || a == "--fp32") setPrecisionFlag(o.fp16, a);
    else if (a == "-h" || a == "--help") o.help = true;
    else throw std::invalid_argument("unknown option '" + a + "'");
  }
  if (o.help) return o;
  if (o.model.empty()) throw std::invalid_argument("--model is required");
  if (o.image.empty()) throw std::invalid_argument("--image is required");
  return o;
}

const char* runUsage() {
  return "usage: vkpose run --model M.vkpose --image I [--input-size N] [--fp16|--fp32]\n"
         "                  [--json OUT.json] [--draw OUT.png] [--min-score S]\n"
         "  Estimates one pose on the GPU and prints its 17 keypoints (frame pixels).\n"
         "  --input-size  model input, (N - 1) % 16 == 0, 129..1025 (257)\n"
         "  --fp16, --fp32  precision (default: fp16 storage on GPUs that have it, fp32\n"
         "                on CPU devices)\n"
         "  --json        COCO keypoint-results JSON\n"
         "  --draw        the image with the skeleton drawn over it (PNG)\n"
         "  --min-score   keypoints below this score are not drawn (0.3)\n";
}

}  // namespace vkpose::cli
