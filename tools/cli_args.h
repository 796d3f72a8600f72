// Command-line parsing helpers shared by vkpose, vkpose-view and
// vkpose-bench. Errors are std::invalid_argument naming the flag; the tools
// turn them into a usage message and exit status 2.
#pragma once

#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vkpose::cli_args {

// The value after args[i] (advancing i), or an error naming the flag.
inline const std::string& valueAfter(const std::vector<std::string>& args, size_t& i) {
  if (i + 1 >= args.size()) throw std::invalid_argument(args[i] + " needs a value");
  return args[++i];
}

// The whole of `text` as a number of type T.
template <class T>
T parseNumber(const std::string& flag, const std::string& text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument(flag + " expects a number, got '" + text + "'");
  return value;
}

// --fp16 or --fp32 (`flag`) into `fp16`; giving both is an error, since
// the later one would silently win.
inline void setPrecisionFlag(std::optional<bool>& fp16, const std::string& flag) {
  bool want = flag == "--fp16";
  if (fp16 && *fp16 != want) throw std::invalid_argument("--fp16 and --fp32 exclude each other");
  fp16 = want;
}

}  // namespace vkpose::cli_args
