#include "viewer/options.h"

#include <stdexcept>

#include "tools/cli_args.h"

namespace vkpose::view {

namespace {

using cli_args::parseNumber;
using cli_args::setPrecisionFlag;
using cli_args::valueAfter;

void parseSize(const std::string& flag, const std::string& text, int& width, int& height) {
  size_t x = text.find('x');
  if (x == std::string::npos) throw std::invalid_argument(flag + " expects WIDTHxHEIGHT, got '" + text + "'");
  width = parseNumber<int>(flag, text.substr(0, x));
  height = parseNumber<int>(flag, text.substr(x + 1));
  if (width < 1 || height < 1 || width > 16384 || height > 16384)
    throw std::invalid_argument(flag + " " + text + " is outside 1x1..16384x16384");
}

bool isScriptKey(const std::string& action) {
  for (const char* key : {"s", "b", "h", "n", "+", "-", "[", "]", "space", "esc", "close", "iconify", "restore"})
    if (action == key) return true;
  return false;
}

// "FRAME" or "FRAME+SECONDSs".
void parseWhen(const std::string& text, ScriptStep& step) {
  size_t plus = text.find('+');
  step.frame = parseNumber<int64_t>("--script", text.substr(0, plus));
  if (step.frame < 0) throw std::invalid_argument("--script frame " + text + " is negative");
  if (plus == std::string::npos) return;
  std::string delay = text.substr(plus + 1);
  if (delay.empty() || delay.back() != 's')
    throw std::invalid_argument("--script delay '" + delay + "' is not SECONDS followed by s (e.g. 3+1.5s)");
  step.delay_seconds = parseNumber<double>("--script", delay.substr(0, delay.size() - 1));
  if (!(step.delay_seconds >= 0 && step.delay_seconds <= 3600))
    throw std::invalid_argument("--script delay " + delay + " is outside 0..3600 s");
}

void checkRanges(const ViewerOptions& o) {
  if (o.min_confidence < 0 || o.min_confidence > 1)
    throw std::invalid_argument("--min-confidence must lie in 0..1");
  if (o.frames_in_flight < 2 || o.frames_in_flight > 8)
    throw std::invalid_argument("--frames-in-flight must lie in 2..8");
  if (o.max_frames < 0) throw std::invalid_argument("--frames must be positive");
  if (!(o.slide_seconds > 0)) throw std::invalid_argument("--slide-seconds must be positive");
  if (o.headless && o.out_dir.empty()) throw std::invalid_argument("--headless needs --out DIR");
  if (o.headless && !o.script.empty()) throw std::invalid_argument("--script needs a window (not --headless)");
}

}  // namespace

std::vector<ScriptStep> parseScript(const std::string& text) {
  std::vector<ScriptStep> steps;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t colon = item.find(':');
    if (colon == std::string::npos) throw std::invalid_argument("--script step '" + item + "' is not FRAME:ACTION");
    ScriptStep step;
    parseWhen(item.substr(0, colon), step);
    step.action = item.substr(colon + 1);
    if (step.action.rfind("resize=", 0) == 0) parseSize("--script resize", step.action.substr(7), step.width, step.height);
    else if (!isScriptKey(step.action)) throw std::invalid_argument("--script: unknown action '" + step.action + "'");
    steps.push_back(step);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return steps;
}

ViewerOptions parseViewerOptions(const std::vector<std::string>& args) {
  ViewerOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") o.help = true;
    else if (a == "--model") o.model = valueAfter(args, i);
    else if (a == "--input-size") o.input_size = parseNumber<int>(a, valueAfter(args, i));
    else if (a == "--min-confidence") o.min_confidence = parseNumber<float>(a, valueAfter(args, i));
    else if (a == "--background") o.background = true;
    else if (a == "--frames-in-flight") o.frames_in_flight = parseNumber<int>(a, valueAfter(args, i));
    else if (a == "--fp16" || a == "--fp32") setPrecisionFlag(o.fp16, a);
    else if (a == "--headless") o.headless = true;
    else if (a == "--out") o.out_dir = valueAfter(args, i);
    else if (a == "--frames") o.max_frames = parseNumber<int64_t>(a, valueAfter(args, i));
    else if (a == "--size") parseSize(a, valueAfter(args, i), o.window_width, o.window_height);
    else if (a == "--slide-seconds") o.slide_seconds = parseNumber<double>(a, valueAfter(args, i));
    else if (a == "--script") o.script = parseScript(valueAfter(args, i));
    else if (a.size() > 1 && a[0] == '-') throw std::invalid_argument("unknown option '" + a + "'");
    else if (o.source.empty()) o.source = a;
    else throw std::invalid_argument("more than one SOURCE ('" + o.source + "' and '" + a + "')");
  }
  if (!o.help) checkRanges(o);
  return o;
}

const char* viewerUsage() {
  return "usage: vkpose-view [options] [SOURCE]\n"
         "       vkpose-view --headless --out DIR [--frames N] [options] SOURCE\n"
         "  SOURCE: an image, a folder of images (slideshow), a video file, or a webcam\n"
         "  (/dev/videoN). Without SOURCE: a sample photo.\n"
         "  --model M            .vkpose model (default: posenet.vkpose next to the binary or in build/models)\n"
         "  --input-size N       model input size, (N - 1) % 16 == 0, 129..1025 (257)\n"
         "  --min-confidence S   keypoints below this score are not drawn (0.3)\n"
         "  --background         start in background mode (frames in flight; key b)\n"
         "  --frames-in-flight N background mode's frames in flight, 2..8 (3)\n"
         "  --fp16, --fp32       precision (default: fp16 storage on GPUs that have it,\n"
         "                       fp32 on CPU devices)\n"
         "  --headless           no window: write DIR/frame_NNNNNN.png and DIR/keypoints.json\n"
         "  --out DIR            headless output folder; with a window, where screenshots go (.)\n"
         "  --frames N           stop after N frames\n"
         "  --size WxH           initial window size (default: fits the first frame)\n"
         "  --slide-seconds S    slideshow: seconds per image (3)\n"
         "  --script LIST        drive the window: FRAME[+SECONDSs]:ACTION,... with ACTION a\n"
         "                       key (s b h n + - [ ] space esc), close, iconify, restore\n"
         "                       or resize=WxH\n"
         "keys: +/- input size, [/] minimum confidence, space pause, s screenshot,\n"
         "      b background mode, n next image, h help, Esc quit\n"
         "exit status: 0 done, 1 input or runtime error, 2 bad command line,\n"
         "             3 Vulkan validation messages were logged (VKPOSE_VALIDATION=1)\n";
}

}  // namespace vkpose::view
