#include "tests/support/load_path_override.h"

#include <cstdlib>

namespace vkpose::test {

namespace {
constexpr const char* kVariable = "VKPOSE_LOAD_PATH";
}

OtherLoadPath::OtherLoadPath(const Capabilities& caps) {
  if (const char* value = std::getenv(kVariable)) saved_ = value;
  unsetenv(kVariable);
  path_ = defaultLoadPath(caps) == LoadPath::Texel ? LoadPath::Storage : LoadPath::Texel;
  setenv(kVariable, path_ == LoadPath::Texel ? "texel" : "storage", 1);
}

OtherLoadPath::~OtherLoadPath() {
  if (saved_)
    setenv(kVariable, saved_->c_str(), 1);
  else
    unsetenv(kVariable);
}

}  // namespace vkpose::test
