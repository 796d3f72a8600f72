#include "viewer/app/playback.h"

#include <utility>

namespace vkpose::view {

namespace {

Playback::Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Playback::Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

Playback::Playback(FrameSource& source, double slide_seconds, const RgbaFrame& first, Clock::time_point now)
    : source_(source), slide_(seconds(slide_seconds)), origin_(now - seconds(first.timestamp)), shown_at_(now) {
  ended_ = source.kind() == SourceKind::Image;
}

bool Playback::poll(RgbaFrame& out, Clock::time_point now) {
  if (ended_) return false;
  switch (source_.kind()) {
    case SourceKind::Image:
      return false;
    case SourceKind::Webcam:
      if (paused_) return false;
      if (!source_.next(out)) ended_ = true;
      return !ended_;
    case SourceKind::Slideshow:
      if (!next_requested_ && (paused_ || now - shown_at_ < slide_)) return false;
      next_requested_ = false;
      shown_at_ = now;
      if (!source_.next(out)) ended_ = true;
      return !ended_;
    case SourceKind::Video:
      return !paused_ && pollVideo(out, now);
  }
  return false;
}

bool Playback::pollVideo(RgbaFrame& out, Clock::time_point now) {
  if (!has_staged_) {
    if (!source_.next(staged_)) {
      ended_ = true;
      return false;
    }
    has_staged_ = true;
  }
  Clock::time_point due = origin_ + seconds(staged_.timestamp);
  if (now < due) return false;
  // Behind by more than a moment (estimation slower than the video): show
  // every frame as it comes rather than trying to catch up.
  if (now - due > std::chrono::milliseconds(250)) origin_ = now - seconds(staged_.timestamp);
  std::swap(out, staged_);  // keeps both pixel buffers allocated
  has_staged_ = false;
  return true;
}

std::optional<Playback::Clock::time_point> Playback::nextDue() const {
  if (paused_ || ended_ || !has_staged_ || source_.kind() != SourceKind::Video) return std::nullopt;
  return origin_ + seconds(staged_.timestamp);
}

void Playback::setPaused(bool paused, Clock::time_point now) {
  if (paused == paused_) return;
  if (paused) {
    paused_at_ = now;
  } else {
    origin_ += now - paused_at_;  // resume where it stopped, not where the clock is
    shown_at_ += now - paused_at_;
  }
  paused_ = paused;
}

}  // namespace vkpose::view
