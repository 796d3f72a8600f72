// Child processes (the cold-start child, the onnxruntime script) and where
// the bench finds its files.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vkpose::bench {

// The folder of the running executable (/proc/self/exe), "." if unknown.
std::string executableDir();
std::string executablePath();
// The first candidate that is a regular file, normalised; nullopt if none.
std::optional<std::string> firstExisting(const std::vector<std::string>& candidates);
// `name` found in PATH as an executable file; nullopt if not.
std::optional<std::string> findOnPath(const std::string& name);

// This process's environment with `overrides` set (replacing any value).
std::vector<std::string> environmentWith(const std::vector<std::pair<std::string, std::string>>& overrides);

// A started child whose stdout is a pipe the parent reads; stdin is
// /dev/null, stderr is the parent's (progress and errors show as they come).
class Child {
 public:
  // Throws std::runtime_error when posix_spawn fails (a missing program
  // shows as exit status 127 instead).
  Child(const std::vector<std::string>& argv, const std::vector<std::string>& env);
  ~Child();  // kills and reaps a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // The next line of stdout (without '\n'), nullopt at end of output or after
  // `timeout_ms` without a complete line.
  std::optional<std::string> readLine(int timeout_ms);
  // Everything left on stdout, until the child closes it.
  std::string readAll();
  // Whether the child has closed its stdout (it exited, usually).
  bool outputClosed() const { return fd_ < 0; }
  // Waits for exit. Returns the exit status, or -1 for a signal, with
  // `how` saying which ("exit status 1", "killed by signal 11").
  int wait(std::string* how = nullptr);

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace vkpose::bench
