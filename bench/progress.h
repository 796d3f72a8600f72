// Progress on stderr while the bench runs: one line per step, rewritten in
// place on a terminal, appended to (once per step) otherwise, so logs stay short.
#pragma once

#include <chrono>
#include <string>

namespace vkpose::bench {

class Progress {
 public:
  Progress();
  // Starts a step of `total` frames (0: not counted), e.g. "size 257 (2/3): latency".
  void begin(const std::string& what, int total = 0);
  void tick(int done);  // frames done so far
  void end();           // the step's wall time
  void note(const std::string& line);  // a message of its own

 private:
  void draw(bool final);

  bool tty_;
  std::string what_;
  int total_ = 0, done_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool open_ = false;
};

}  // namespace vkpose::bench
