// ONNX front end (Debian's libonnx protobuf definitions).
#pragma once

#include <string>

#include "converter/ir.h"
#include "converter/log.h"

namespace vkpose::convert {

// Throws ConvertError; an unsupported operator is named with its node name
// and position in the graph.
Graph importOnnx(const std::string& path, Log& log);

}  // namespace vkpose::convert
