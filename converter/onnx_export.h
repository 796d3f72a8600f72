// Standard ONNX export of the IR, so other tools can run PoseNet too. Written
// before weight re-layout (it needs OIHW weights). Input "image" is NCHW
// [1, 3, H, W] with H and W symbolic; outputs are named by role.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "converter/ir.h"

namespace vkpose::convert {

std::vector<uint8_t> exportOnnx(const Graph& graph);

}  // namespace vkpose::convert
