// The HUD's lines, from the viewer's state. Pure, so the wording is tested
// without a window.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vkpose::view {

struct HudState {
  std::string source;                  // FrameSource::describe()
  double fps = 0;
  std::optional<double> gpu_pose_ms;   // from timestamps; empty when the queue has none
  std::optional<double> gpu_draw_ms;
  std::optional<double> latency_ms;    // decode to pose, host clock
  int input_size = 0;
  float min_confidence = 0;
  bool background = false;
  int frames_in_flight = 0;            // background mode's limit
  long long lag_frames = 0;            // background: how many frames the skeleton is behind
  bool paused = false;
  bool ended = false;                  // the source has no more frames
  bool help = false;
  std::string notice;                  // a transient message ("saved shot.png")
};

std::vector<std::string> hudLines(const HudState& state);

}  // namespace vkpose::view
