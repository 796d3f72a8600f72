#include "bench/progress.h"

#include <unistd.h>

#include <cstdio>

namespace vkpose::bench {

Progress::Progress() : tty_(isatty(2) == 1) {}

void Progress::begin(const std::string& what, int total) {
  if (open_) end();
  what_ = what;
  total_ = total;
  done_ = 0;
  start_ = last_draw_ = std::chrono::steady_clock::now();
  open_ = true;
  if (tty_) draw(false);
}

void Progress::tick(int done) {
  done_ = done;
  auto now = std::chrono::steady_clock::now();
  if (tty_ && now - last_draw_ > std::chrono::milliseconds(100)) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::end() {
  if (!open_) return;
  draw(true);
  open_ = false;
}

void Progress::note(const std::string& line) {
  if (open_ && tty_) std::fputc('\n', stderr);
  std::fprintf(stderr, "vkpose-bench: %s\n", line.c_str());
  if (open_ && tty_) draw(false);
}

void Progress::draw(bool final) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string count = total_ > 0 ? " " + std::to_string(done_) + "/" + std::to_string(total_) : "";
  std::fprintf(stderr, "%svkpose-bench: %s%s (%.1f s)%s", tty_ ? "\r\033[K" : "", what_.c_str(), count.c_str(), seconds,
               final || !tty_ ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace vkpose::bench
