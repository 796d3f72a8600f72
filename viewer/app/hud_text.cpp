#include "viewer/app/hud_text.h"

#include <cstdio>

namespace vkpose::view {

namespace {

std::string format(const char* fmt, double a, double b = 0, double c = 0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

std::string timingLine(const HudState& s) {
  std::string line = format("%.1f fps", s.fps);
  if (s.gpu_pose_ms && s.gpu_draw_ms)
    return line + format("   GPU %.1f ms (pose %.1f + draw %.1f)", *s.gpu_pose_ms + *s.gpu_draw_ms, *s.gpu_pose_ms,
                         *s.gpu_draw_ms);
  return line + "   GPU time: no timestamps on this queue";
}

std::string settingsLine(const HudState& s) {
  std::string line = s.latency_ms ? format("latency %.0f ms", *s.latency_ms) : std::string("latency -");
  return line + "   input " + std::to_string(s.input_size) + "   min confidence " + format("%.2f", s.min_confidence);
}

std::string modeLine(const HudState& s) {
  if (!s.background) return "mode sync";
  return "mode background: " + std::to_string(s.frames_in_flight) + " in flight, skeleton " +
         std::to_string(s.lag_frames) + (s.lag_frames == 1 ? " frame" : " frames") + " behind";
}

}  // namespace

std::vector<std::string> hudLines(const HudState& s) {
  std::vector<std::string> lines{s.source, timingLine(s), settingsLine(s), modeLine(s)};
  std::string status;
  if (s.paused) status = "PAUSED   ";
  if (s.ended) status += "end of source   ";
  if (!s.help) status += "h: help";
  if (!status.empty()) lines.push_back(status);
  if (s.help) {
    lines.push_back("+/-  model input size      [/]  minimum confidence");
    lines.push_back("space  pause    s  screenshot    b  background mode");
    lines.push_back("n  next image    h  hide help    Esc  quit");
  }
  if (!s.notice.empty()) lines.push_back(s.notice);
  return lines;
}

}  // namespace vkpose::view
