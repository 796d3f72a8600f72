#include "converter/onnx_tensors.h"

#include <bit>
#include <cstring>

#include "converter/ir.h"

namespace vkpose::convert::onnximport {

// raw_data is little-endian by the ONNX spec; it is copied as is.
static_assert(std::endian::native == std::endian::little, "raw_data is read without byte swapping");

namespace {

// Far above any pose model's largest tensor; stops a forged dims list from
// asking for gigabytes before the data size is even checked.
constexpr size_t kMaxElements = size_t(1) << 28;

std::string tensorLabel(const onnx::TensorProto& tensor, const std::string& where) {
  return where + ": tensor '" + tensor.name() + "'";
}

void requireInlineData(const onnx::TensorProto& tensor, const std::string& where) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    throw ConvertError(tensorLabel(tensor, where) + " keeps its data in an external file, which is not supported");
}

void requireDtype(const onnx::TensorProto& tensor, int32_t dtype, const std::string& where) {
  if (tensor.data_type() != dtype)
    throw ConvertError(tensorLabel(tensor, where) + " has dtype " + dataTypeName(tensor.data_type()) + ", expected " +
                       dataTypeName(dtype));
}

// Copies `count` scalars from raw_data when present, else from `field`
// (float_data or int64_data), after checking the sizes agree.
template <typename T, typename Field>
std::vector<T> copyValues(const onnx::TensorProto& tensor, const Field& field, const std::string& where) {
  size_t count = elementCount(tensor, where);
  std::vector<T> values;
  if (!tensor.raw_data().empty()) {
    if (tensor.raw_data().size() != count * sizeof(T))
      throw ConvertError(tensorLabel(tensor, where) + " has " + std::to_string(tensor.raw_data().size()) +
                         " bytes of raw_data, expected " + std::to_string(count * sizeof(T)) + " for its dims");
    values.resize(count);
    std::memcpy(values.data(), tensor.raw_data().data(), count * sizeof(T));
    return values;
  }
  if (size_t(field.size()) != count)
    throw ConvertError(tensorLabel(tensor, where) + " has " + std::to_string(field.size()) + " values, expected " +
                       std::to_string(count) + " for its dims");
  values.assign(field.begin(), field.end());
  return values;
}

}  // namespace

std::string dataTypeName(int32_t data_type) {
  if (!onnx::TensorProto_DataType_IsValid(data_type)) return "dtype " + std::to_string(data_type);
  return onnx::TensorProto_DataType_Name(onnx::TensorProto_DataType(data_type));
}

size_t elementCount(const onnx::TensorProto& tensor, const std::string& where) {
  size_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0) throw ConvertError(tensorLabel(tensor, where) + " has negative dimension " + std::to_string(dim));
    if (dim > 0 && count > kMaxElements / size_t(dim))
      throw ConvertError(tensorLabel(tensor, where) + " is too large (more than " + std::to_string(kMaxElements) +
                         " elements)");
    count *= size_t(dim);
  }
  return count;
}

std::vector<float> floatValues(const onnx::TensorProto& tensor, const std::string& where) {
  requireInlineData(tensor, where);
  requireDtype(tensor, onnx::TensorProto::FLOAT, where);
  return copyValues<float>(tensor, tensor.float_data(), where);
}

std::vector<int64_t> int64Values(const onnx::TensorProto& tensor, const std::string& where) {
  requireInlineData(tensor, where);
  requireDtype(tensor, onnx::TensorProto::INT64, where);
  return copyValues<int64_t>(tensor, tensor.int64_data(), where);
}

float scalarValue(const onnx::TensorProto& tensor, const std::string& where) {
  if (elementCount(tensor, where) != 1)
    throw ConvertError(tensorLabel(tensor, where) + " must hold a single value, has " +
                       std::to_string(elementCount(tensor, where)));
  if (tensor.data_type() == onnx::TensorProto::INT64) return float(int64Values(tensor, where)[0]);
  return floatValues(tensor, where)[0];
}

}  // namespace vkpose::convert::onnximport
