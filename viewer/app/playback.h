// When the window shows a source's next frame: a video at its timestamps
// (catching up rather than racing when the GPU is slower than the video), a
// webcam as frames arrive, a slideshow every few seconds or on request, a
// still image once.
#pragma once

#include <chrono>
#include <optional>

#include "viewer/media/source.h"

namespace vkpose::view {

class Playback {
 public:
  using Clock = std::chrono::steady_clock;

  // `first` is the frame already on screen.
  Playback(FrameSource& source, double slide_seconds, const RgbaFrame& first, Clock::time_point now);

  // Fills `out` with the frame to show now, if there is one. Throws MediaError.
  bool poll(RgbaFrame& out, Clock::time_point now);
  // When the staged video frame falls due (the window may sleep until then).
  std::optional<Clock::time_point> nextDue() const;

  void setPaused(bool paused, Clock::time_point now);
  bool paused() const { return paused_; }
  bool ended() const { return ended_; }
  void requestNext() { next_requested_ = true; }

 private:
  bool pollVideo(RgbaFrame& out, Clock::time_point now);

  FrameSource& source_;
  Clock::duration slide_;
  Clock::time_point origin_;    // when timestamp 0 is (was) due
  Clock::time_point shown_at_;  // slideshow: when the current picture appeared
  Clock::time_point paused_at_;
  RgbaFrame staged_;            // video: decoded, waiting for its time
  bool has_staged_ = false;
  bool paused_ = false;
  bool ended_ = false;
  bool next_requested_ = false;
};

}  // namespace vkpose::view
