#include "viewer/app/script.h"

namespace vkpose::view {

ScriptPlayer::ScriptPlayer(std::vector<ScriptStep> steps) {
  for (ScriptStep& s : steps) steps_.push_back({std::move(s), std::nullopt, false});
}

std::vector<ScriptStep> ScriptPlayer::due(int64_t shown, Clock::time_point now) {
  std::vector<ScriptStep> out;
  for (Pending& p : steps_) {
    if (p.done || shown < p.step.frame) continue;
    if (!p.frame_seen) p.frame_seen = now;
    if (now - *p.frame_seen < std::chrono::duration<double>(p.step.delay_seconds)) continue;
    p.done = true;
    out.push_back(p.step);
  }
  return out;
}

}  // namespace vkpose::view
