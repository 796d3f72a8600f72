// Serialises the IR into the .vkpose flatbuffer (runtime/schema/vkpose.fbs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "converter/ir.h"

namespace vkpose::convert {

std::vector<uint8_t> writeVkpose(const Graph& graph);

// Writes `bytes` to `path` through a temporary file and a rename, so a
// failure never leaves a partial file behind. Throws ConvertError.
void writeFileAtomically(const std::string& path, const std::vector<uint8_t>& bytes);

}  // namespace vkpose::convert
