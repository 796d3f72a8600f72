// Elementwise addition of two same-shaped tensors with a fused activation
// (MobileNet/ResNet residuals).
#pragma once

#include "engine/pipeline.h"
#include "runtime/ops/epilogue.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

class AddOp {
 public:
  AddOp(Context& ctx, Precision precision, Epilogue epilogue = {});

  Shape outputShape(Shape a, Shape b) const;
  // Allocates the descriptor set from `arena` (plan time) and records the dispatch.
  void record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& a, const TensorView& b,
              const TensorView& out);

 private:
  Precision precision_;
  Epilogue epilogue_;
  Pipeline pipeline_;
};

}  // namespace vkpose
