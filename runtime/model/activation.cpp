#include "runtime/model/activation.h"

#include <cmath>
#include <string>

#include "engine/error.h"

namespace vkpose {

const char* activationSuffix(Activation a) {
  switch (a) {
    case Activation::None: return "none";
    case Activation::Relu: return "relu";
    case Activation::Clip: return "clip";
    case Activation::Sigmoid: return "sigmoid";
  }
  return "?";
}

void validateEpilogue(const Epilogue& e, const char* op) {
  if (e.activation != Activation::Clip) return;
  if (std::isnan(e.clip_min) || std::isnan(e.clip_max)) throw Error(std::string(op) + ": Clip bounds must not be NaN");
  if (e.clip_min > e.clip_max)
    throw Error(std::string(op) + ": Clip min " + std::to_string(e.clip_min) + " is greater than max " +
                std::to_string(e.clip_max));
}

}  // namespace vkpose
