#include "converter/log.h"

#include <iostream>

namespace vkpose::convert {

Log::Log(bool verbose, std::ostream* out) : verbose_(verbose), out_(out ? out : &std::cerr) {}

void Log::verbose(const std::string& line) {
  lines_.push_back(line);
  if (verbose_) *out_ << "vkpose-convert: " << line << "\n";
}

}  // namespace vkpose::convert
