// A human-readable description of a model at one input size: what
// `vkpose-convert --inspect` prints.
#pragma once

#include <string>

#include "runtime/model/model.h"

namespace vkpose {

// One row per node (index, name, kind, resolved window, activation, input ->
// output shape, parameters, MACs), then totals and metadata. Parameters count
// real weights and biases, not layout padding; MACs count convolutions only
// (pools and Add do no multiply-accumulates). Activation memory assumes naive
// allocation: every tensor alive at once, fp32, channels padded to 4.
// Throws ModelError (planShapes) when input_size is invalid for the model.
std::string summarizeModel(const Model& model, int input_size);

}  // namespace vkpose
