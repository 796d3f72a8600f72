// An environment variable set (or unset) for as long as the guard lives, and
// restored afterwards: the tuning variables (VKPOSE_LOAD_PATH,
// VKPOSE_FIRST_CONV_SPLIT, ...) steer ops when they are made, and a test
// that sets one must not leave it for the next, nor drop a value the user
// ran the suite with.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace vkpose::test {

class ScopedEnv {
 public:
  // nullopt: unset while the guard lives.
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) saved_ = old;
    set(value);
  }
  ~ScopedEnv() { set(saved_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

  void set(const std::optional<std::string>& value) {
    if (value)
      setenv(name_.c_str(), value->c_str(), 1);
    else
      unsetenv(name_.c_str());
  }

 private:
  std::string name_;
  std::optional<std::string> saved_;
};

}  // namespace vkpose::test
