// Flatbuffer tables -> Model values, for parseModel. The buffer must already
// have passed the flatbuffers Verifier; this adds the checks the Verifier
// cannot make (enum values in range, weight byte counts matching their count
// and type) and leaves graph semantics to validateModel.
#pragma once

#include <string>

#include "runtime/model/model.h"
#include "schema/vkpose_generated.h"

namespace vkpose {

// Throws ModelError naming `source` and the node or field at fault.
Model decodeModel(const schema::Model& root, const std::string& source);

}  // namespace vkpose
