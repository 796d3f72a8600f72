// ONNX's own validation of an exported model: the model checker, then strict
// shape and type inference, which is what runtimes such as onnxruntime run
// when they load a model. Header-only, because only the tests that link
// libonnx (target onnx) use it.
#pragma once

#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <exception>

namespace vkpose::test {

inline ::testing::AssertionResult passesOnnxChecks(onnx::ModelProto model) {
  try {
    onnx::checker::check_model(model);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict_mode=*/1));
  } catch (const std::exception& error) {
    return ::testing::AssertionFailure() << error.what();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace vkpose::test
