#include "tests/support/load_path_override.h"

namespace vkpose::test {

OtherLoadPath::OtherLoadPath(const Capabilities& caps)
    : path_(defaultLoadPath(caps) == LoadPath::Texel ? LoadPath::Storage : LoadPath::Texel) {
  variable_.set(path_ == LoadPath::Texel ? "texel" : "storage");
}

}  // namespace vkpose::test
