// TF.js graph-model front end: model.json (modelTopology + weightsManifest)
// and its weight shards, NHWC, mapped onto the NCHW IR.
#pragma once

#include <string>

#include "converter/ir.h"
#include "converter/log.h"

namespace vkpose::convert {

// Throws ConvertError naming the file, node or manifest entry at fault.
Graph importTfjs(const std::string& model_json_path, Log& log);

}  // namespace vkpose::convert
