// Shared by the C API's translation units: the estimator handle, the
// thread-local error message, and the guard that turns every exception into
// a status so that nothing throws across the C boundary.
#pragma once

#include <cstring>
#include <string>

#include "runtime/capi/vkpose.h"
#include "runtime/estimator.h"

struct vkpose_estimator {
  vkpose::Estimator estimator;
};

namespace vkpose::capi {

// Sets the message for vkpose_error_message() and returns `status`.
vkpose_status fail(vkpose_status status, std::string message);
// Inside a catch block: the status and message for the exception in flight.
vkpose_status failFromException();
// A C caller may store or pass any int as an enum; loading a value outside
// the enumerators as the C++ enum type is undefined behaviour, so enums from
// C are read as their bytes.
template <class Enum>
int rawValue(const Enum& value) {
  int raw = 0;
  static_assert(sizeof(Enum) == sizeof(raw));
  std::memcpy(&raw, &value, sizeof(raw));
  return raw;
}
bool toFormat(int format, PixelFormat& out);
void toC(const Pose& pose, vkpose_pose* out);
EstimatorOptions toOptions(const vkpose_options& options);

template <class Body>
vkpose_status guarded(Body&& body) noexcept {
  try {
    fail(VKPOSE_OK, {});
    return body();
  } catch (...) {
    return failFromException();
  }
}

}  // namespace vkpose::capi
