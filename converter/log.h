// Converter messages. Every rewrite a pass makes is logged at verbose level;
// lines are also kept so tests can check what a pass did.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace vkpose::convert {

class Log {
 public:
  // Prints verbose lines to `out` when `verbose` is set; always keeps them.
  explicit Log(bool verbose = false, std::ostream* out = nullptr);

  void verbose(const std::string& line);
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  bool verbose_;
  std::ostream* out_;
  std::vector<std::string> lines_;
};

}  // namespace vkpose::convert
