// Numbers the HUD shows, smoothed so they can be read: frames per second
// over the last second, and exponential averages of times.
#pragma once

#include <chrono>
#include <deque>
#include <optional>

namespace vkpose::view {

class FpsCounter {
 public:
  using Clock = std::chrono::steady_clock;
  void tick(Clock::time_point now = Clock::now());
  double fps() const;  // frames in the last second (0 until two frames were seen)

 private:
  std::deque<Clock::time_point> ticks_;
};

class Smoothed {
 public:
  explicit Smoothed(double weight = 0.2) : weight_(weight) {}
  void add(double value) { value_ = value_ ? *value_ + weight_ * (value - *value_) : value; }
  std::optional<double> value() const { return value_; }

 private:
  double weight_;
  std::optional<double> value_;
};

}  // namespace vkpose::view
