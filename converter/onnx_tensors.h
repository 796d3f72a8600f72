// Reading ONNX constant tensors (initializers, Constant node values). The
// protobuf is untrusted input: dims, data sizes and dtypes are checked before
// anything is allocated or copied, and errors name the tensor.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vkpose::convert::onnximport {

// "FLOAT", "INT64", ... or "dtype <n>" for codes this ONNX version lacks.
std::string dataTypeName(int32_t data_type);

// Element count from the dims, refusing negative dims and absurd totals.
// `where` prefixes messages (e.g. a node description).
size_t elementCount(const onnx::TensorProto& tensor, const std::string& where);

// Values of a float32 tensor (raw_data or float_data). Any other dtype, or a
// data size that disagrees with the dims, is an error naming the tensor.
std::vector<float> floatValues(const onnx::TensorProto& tensor, const std::string& where);

// Values of an int64 tensor (raw_data or int64_data), for shapes.
std::vector<int64_t> int64Values(const onnx::TensorProto& tensor, const std::string& where);

// A one-element float32 or int64 tensor as a float (Clip bounds).
float scalarValue(const onnx::TensorProto& tensor, const std::string& where);

}  // namespace vkpose::convert::onnximport
