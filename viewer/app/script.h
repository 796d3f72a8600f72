// Runs --script steps at their frames: a step is due once frame FRAME has
// been shown and, for "FRAME+Ss", S seconds have passed since. Frames stop
// while the window is minimised, so only a delay can restore it.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "viewer/options.h"

namespace vkpose::view {

class ScriptPlayer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ScriptPlayer(std::vector<ScriptStep> steps);

  // The steps due with `shown` frames shown at `now`, in script order; each
  // step is returned once. Call it every turn of the loop (also while
  // minimised): a delay counts from the first call that saw its frame.
  std::vector<ScriptStep> due(int64_t shown, Clock::time_point now);

 private:
  struct Pending {
    ScriptStep step;
    std::optional<Clock::time_point> frame_seen;
    bool done = false;
  };
  std::vector<Pending> steps_;
};

}  // namespace vkpose::view
