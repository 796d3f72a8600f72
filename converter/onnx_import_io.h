// The ONNX graph's boundary: the image input and the four PoseNet outputs.
#pragma once

#include <onnx/onnx_pb.h>

#include "converter/onnx_import_state.h"

namespace vkpose::convert::onnximport {

// Registers the one graph input that is not an initializer, after checking it
// is a float 4-D image [N,3,H,W] (N 1 or symbolic). When a Transpose reads it,
// it is taken as NHWC [N,H,W,3] instead.
void importGraphInput(ImportState& state, const onnx::GraphProto& graph);

// Maps the graph outputs onto heatmap, offsets, displacement_fwd and
// displacement_bwd by name (case-insensitive substring); exactly those four.
void importGraphOutputs(ImportState& state, const onnx::GraphProto& graph);

}  // namespace vkpose::convert::onnximport
