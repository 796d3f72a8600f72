// The vkpose-view command line, parsed without side effects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vkpose::view {

// A scripted action at a given displayed frame (--script): the keys a user
// would press, plus window events, so tests and demos drive a real window.
// "FRAME+SECONDSs:ACTION" runs SECONDS after frame FRAME was shown: while the
// window is minimised no frames are shown, but time still passes.
struct ScriptStep {
  int64_t frame = 0;
  double delay_seconds = 0;
  // A key ("s", "b", "h", "n", "+", "-", "[", "]", "space", "esc"), "close",
  // "iconify", "restore" or "resize=WxH".
  std::string action;
  int width = 0, height = 0;  // resize only
};

struct ViewerOptions {
  bool help = false;
  std::string model;                 // empty: the default model (paths.h)
  std::string source;                // empty: the committed sample photo
  int input_size = 257;
  float min_confidence = 0.3f;
  bool background = false;           // start in background mode (key b)
  int frames_in_flight = 3;          // background mode's estimator slots
  std::optional<bool> fp16;          // --fp16 / --fp32; unset: the device's preferred precision
  bool headless = false;
  std::string out_dir;               // headless: required; window: where screenshots go (default ".")
  int64_t max_frames = 0;            // stop after this many frames; 0: never (window) / all (headless)
  int window_width = 0, window_height = 0;  // 0: fit the first frame on screen
  double slide_seconds = 3;          // slideshow: seconds per image
  std::vector<ScriptStep> script;
};

// Throws std::invalid_argument naming the bad argument.
ViewerOptions parseViewerOptions(const std::vector<std::string>& args);
std::vector<ScriptStep> parseScript(const std::string& text);
const char* viewerUsage();

}  // namespace vkpose::view
