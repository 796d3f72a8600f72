#include "runtime/ops/add.h"

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"

namespace vkpose {

namespace {

struct AddPush {
  uint32_t vec4_count;
  uint32_t channels;
  uint32_t plane;
  float clip_min;
  float clip_max;
};
VKPOSE_PUSH_CONSTANTS(AddPush);

PipelineDesc addDesc(Context& ctx, Precision precision, const Epilogue& epilogue) {
  requirePrecision(ctx, precision);
  validateEpilogue(epilogue, "Add");
  return {variantName("add", epilogue.activation, precision), 3, sizeof(AddPush), workgroup1D(ctx.caps()), {}};
}

}  // namespace

AddOp::AddOp(Context& ctx, Precision precision, Epilogue epilogue)
    : precision_(precision), epilogue_(epilogue), pipeline_(ctx, addDesc(ctx, precision, epilogue)) {}

Shape AddOp::outputShape(Shape a, Shape b) const {
  if (!(a == b)) throw Error("Add: operand shapes differ: " + a.str() + " vs " + b.str());
  return a;
}

void AddOp::record(CommandRecorder& rec, DescriptorArena& arena, const TensorView& a, const TensorView& b,
                   const TensorView& out) {
  if (!(outputShape(a.shape, b.shape) == out.shape))
    throw Error("Add: output shape " + out.shape.str() + " does not match operands " + a.shape.str());
  for (const TensorView* t : {&a, &b, &out})
    if (t->precision != precision_) throw Error("Add: tensor precision differs from the op's");
  BufferBinding bindings[] = {bind(a), bind(b), bind(out)};
  VkDescriptorSet set = arena.allocate(pipeline_, bindings);
  uint64_t count = out.shape.vec4Count();
  AddPush push{uint32_t(count), uint32_t(out.shape.c), uint32_t(out.shape.h * out.shape.w), epilogue_.clip_min,
               epilogue_.clip_max};
  rec.dispatch(pipeline_, set, push, {divUp(count, pipeline_.desc().local_size[0]), 1, 1});
}

}  // namespace vkpose
