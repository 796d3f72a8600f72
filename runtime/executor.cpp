#include "runtime/executor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <variant>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/recorder.h"
#include "runtime/dispatch_hazards.h"
#include "runtime/model/shapes.h"
#include "runtime/ops/add.h"
#include "runtime/ops/conv2d.h"
#include "runtime/ops/depthwise.h"
#include "runtime/ops/dw_pointwise.h"
#include "runtime/ops/epilogue.h"
#include "runtime/ops/pointwise.h"
#include "runtime/ops/pool.h"

namespace vkpose {

// Shared: executors of the same model, size and precision (the Estimator's
// frame slots) share one copy of the weights and pipelines.
using NodeOp = std::variant<std::shared_ptr<Conv2dOp>, std::shared_ptr<PointwiseOp>, std::shared_ptr<DepthwiseOp>,
                            std::shared_ptr<PoolOp>, std::shared_ptr<AddOp>, std::shared_ptr<DwPointwiseOp>>;

struct Executor::Step {
  std::string name;  // escaped node name ("dw+pw" for a fused pair), for barrier reasons
  std::vector<int> inputs;
  int output = 0;
  NodeOp op;
};

namespace {

// Offsets must satisfy the device's storage and texel buffer alignments
// (runtime/ops/load_path.h); 16 also keeps every tensor on a vec4 boundary.
uint64_t bindingAlignment(const Context& ctx) {
  const Capabilities& caps = ctx.caps();
  return std::max<uint64_t>({caps.min_storage_buffer_offset_alignment, caps.min_texel_buffer_offset_alignment, 16});
}

uint64_t tensorBytes(Shape shape, Precision precision) { return shape.vec4Count() * 4 * storageBytes(precision); }

// Each tensor lives from the node that writes it to the last node that reads
// it. The input (written before the graph) and the outputs (read after it)
// are kept apart from everything. A fused pair (`fused[i]`: node i with node
// i + 1) writes its output while it still reads node i's input, so that
// output is alive from node i on.
std::vector<TensorLifetime> lifetimes(const Model& model, const ShapePlan& shapes, Precision precision,
                                      const std::vector<bool>& fused) {
  std::vector<TensorLifetime> life(model.tensors.size());
  for (size_t t = 0; t < life.size(); ++t) life[t].bytes = tensorBytes(shapes.tensors[t], precision);
  life[size_t(model.input)].keep_distinct = true;
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const ModelNode& node = model.nodes[i];
    for (int t : node.inputs) life[size_t(t)].last_step = std::max(life[size_t(t)].last_step, int(i));
    life[size_t(node.output)].first_step = life[size_t(node.output)].last_step = int(i);
    if (i > 0 && fused[i - 1]) life[size_t(node.output)].first_step = int(i - 1);
  }
  for (const ModelOutput& o : model.outputs) {
    life[size_t(o.tensor)].last_step = int(model.nodes.size());
    life[size_t(o.tensor)].keep_distinct = true;
  }
  return life;
}

// planMemory over the tensors that get memory; `skip` ones get offset 0.
MemoryPlan planArena(const std::vector<TensorLifetime>& life, const std::vector<bool>& skip, uint64_t alignment) {
  std::vector<TensorLifetime> kept;
  std::vector<size_t> index;
  for (size_t t = 0; t < life.size(); ++t)
    if (!skip[t]) {
      kept.push_back(life[t]);
      index.push_back(t);
    }
  MemoryPlan packed = planMemory(kept, alignment);
  MemoryPlan plan{std::vector<uint64_t>(life.size(), 0), packed.arena_bytes, packed.naive_bytes};
  for (size_t k = 0; k < index.size(); ++k) plan.offsets[index[k]] = packed.offsets[k];
  return plan;
}

// 1x1, stride 1, no padding: a matrix product per pixel, the pointwise kernel's job.
bool isPointwise(const ConvParams& w) {
  return w.kernel_h == 1 && w.kernel_w == 1 && w.stride_h == 1 && w.stride_w == 1 && w.pad.top == 0 &&
         w.pad.left == 0 && w.pad.bottom == 0 && w.pad.right == 0;
}

// `out`: the node's output shape at this executor's input size.
NodeOp makeOp(Context& ctx, const ModelNode& node, const ConvParams& window, const Shape& out, Precision precision) {
  switch (node.kind) {
    case NodeKind::Conv2d:
      if (isPointwise(window)) {
        uint64_t plane = uint64_t(out.h) * uint64_t(out.w);  // the kernel's choice depends on it
        return std::make_shared<PointwiseOp>(
            ctx, PointwiseParams{node.in_channels, node.out_channels}, node.weights, node.bias, precision,
            node.epilogue, defaultPointwiseTiling(ctx.caps(), precision, node.in_channels, plane, node.out_channels));
      }
      return std::make_shared<Conv2dOp>(ctx, Conv2dParams{window, node.in_channels, node.out_channels, 1},
                                        node.weights, node.bias, precision, node.epilogue);
    case NodeKind::DepthwiseConv2d:
      return std::make_shared<DepthwiseOp>(ctx, DepthwiseParams{node.out_channels, 1, window}, node.weights,
                                           node.bias, precision, node.epilogue);
    case NodeKind::MaxPool:
      return std::make_shared<PoolOp>(ctx, PoolParams{PoolMode::Max, window, false}, precision);
    case NodeKind::AveragePool:
      return std::make_shared<PoolOp>(ctx, PoolParams{PoolMode::Average, window, node.count_include_pad}, precision);
    case NodeKind::Add:
      return std::make_shared<AddOp>(ctx, precision, node.epilogue);
  }
  throw Error("unknown node kind");
}

bool fusionEnabled(DwPointwiseFusion policy) {
  if (policy != DwPointwiseFusion::Auto) return policy == DwPointwiseFusion::On;
  const char* env = std::getenv("VKPOSE_FUSE_DWPW");
  return env && std::strcmp(env, "1") == 0;
}

bool isModelOutput(const Model& model, int tensor) {
  return std::any_of(model.outputs.begin(), model.outputs.end(),
                     [&](const ModelOutput& o) { return o.tensor == tensor; });
}

// Live nodes other than `except` that read `tensor`.
int otherReaders(const Model& model, const std::vector<bool>& live, int tensor, size_t except) {
  int readers = 0;
  for (size_t i = 0; i < model.nodes.size(); ++i)
    if (live[i] && i != except)
      readers += int(std::count(model.nodes[i].inputs.begin(), model.nodes[i].inputs.end(), tensor));
  return readers;
}

// Node i is a depthwise 3x3 whose output only the pointwise node i + 1 reads.
bool fusable(const Model& model, const ShapePlan& shapes, const std::vector<bool>& live, size_t i) {
  if (i + 1 >= model.nodes.size() || !live[i] || !live[i + 1]) return false;
  const ModelNode& dw = model.nodes[i];
  const ModelNode& pw = model.nodes[i + 1];
  if (dw.kind != NodeKind::DepthwiseConv2d || !fitsDepthwise3x3(shapes.windows[i])) return false;
  if (pw.kind != NodeKind::Conv2d || !isPointwise(shapes.windows[i + 1]) || pw.inputs != std::vector{dw.output})
    return false;
  return !isModelOutput(model, dw.output) && otherReaders(model, live, dw.output, i + 1) == 0;
}

// Per node: whether it runs fused with the node after it.
std::vector<bool> fusedPairs(const Model& model, const ShapePlan& shapes, const std::vector<bool>& live, bool enabled) {
  std::vector<bool> fused(model.nodes.size(), false);
  for (size_t i = 0; enabled && i < model.nodes.size(); ++i)
    if (fusable(model, shapes, live, i)) fused[i++] = true;
  return fused;
}

std::vector<bool> fusedAwayTensors(const Model& model, const std::vector<bool>& fused) {
  std::vector<bool> away(model.tensors.size(), false);
  for (size_t i = 0; i < model.nodes.size(); ++i)
    if (fused[i]) away[size_t(model.nodes[i].output)] = true;
  return away;
}

NodeOp makeFusedOp(Context& ctx, const ModelNode& dw, const ModelNode& pw, const ConvParams& dw_window,
                   Precision precision) {
  DwPointwiseLayers layers{{dw.out_channels, 1, dw_window}, dw.weights, dw.bias, dw.epilogue,
                           pw.out_channels, pw.weights, pw.bias, pw.epilogue};
  return std::make_shared<DwPointwiseOp>(ctx, layers, precision);
}

template <class Op>
void recordOp(Op& op, CommandRecorder& rec, DescriptorArena& arena, const std::vector<TensorView>& tensors,
              const std::vector<int>& inputs, int output) {
  op.record(rec, arena, tensors[size_t(inputs[0])], tensors[size_t(output)]);
}

void recordOp(AddOp& op, CommandRecorder& rec, DescriptorArena& arena, const std::vector<TensorView>& tensors,
              const std::vector<int>& inputs, int output) {
  op.record(rec, arena, tensors[size_t(inputs[0])], tensors[size_t(inputs[1])], tensors[size_t(output)]);
}

// The model outputs with the asked-for roles (all when none are asked for).
std::vector<ModelOutput> selectOutputs(const Model& model, const std::vector<OutputRole>& roles) {
  if (roles.empty()) return model.outputs;
  std::vector<ModelOutput> selected;
  for (const ModelOutput& o : model.outputs)
    if (std::find(roles.begin(), roles.end(), o.role) != roles.end()) selected.push_back(o);
  return selected;
}

// Nodes whose output reaches one of `outputs`, walking the graph backwards
// (nodes are in topological order).
std::vector<bool> liveNodes(const Model& model, const std::vector<ModelOutput>& outputs) {
  std::vector<bool> needed(model.tensors.size(), false), live(model.nodes.size(), false);
  for (const ModelOutput& o : outputs) needed[size_t(o.tensor)] = true;
  for (size_t i = model.nodes.size(); i-- > 0;) {
    const ModelNode& node = model.nodes[i];
    if (!needed[size_t(node.output)]) continue;
    live[i] = true;
    for (int t : node.inputs) needed[size_t(t)] = true;
  }
  return live;
}

}  // namespace

Executor::Executor(Context& ctx, const Model& model, int input_size, Precision precision,
                   const std::vector<OutputRole>& outputs, const ExecutorOptions& options)
    : input_size_(input_size),
      precision_(precision),
      input_tensor_(model.input),
      outputs_(selectOutputs(model, outputs)),
      descriptors_(ctx) {
  validateModel(model, "model");
  requirePrecision(ctx, precision);
  ShapePlan shapes = planShapes(model, input_size_, input_size_);
  std::vector<bool> live = liveNodes(model, outputs_);
  fused_ = fusedPairs(model, shapes, live, fusionEnabled(options.fuse_dw_pw));
  buildSteps(ctx, model, shapes, live);
  first_conv_outside_ = options.first_conv_in_preprocess && firstStepFusable(model, shapes, live);
  planTensors(ctx, model, shapes);
}

Executor::Executor(Context& ctx, const Model& model, const Executor& ops_from)
    : input_size_(ops_from.input_size_),
      precision_(ops_from.precision_),
      input_tensor_(model.input),
      outputs_(ops_from.outputs_),
      steps_(ops_from.steps_),
      fused_(ops_from.fused_),
      first_conv_outside_(ops_from.first_conv_outside_),
      descriptors_(ctx) {
  auto refuse = [] { throw Error("Executor: cannot share the ops of another model's executor"); };
  if (fused_.size() != model.nodes.size()) refuse();
  planTensors(ctx, model, planShapes(model, input_size_, input_size_));
  if (tensors_.size() != ops_from.tensors_.size()) refuse();
}

void Executor::buildSteps(Context& ctx, const Model& model, const ShapePlan& shapes, const std::vector<bool>& live) {
  for (size_t i = 0; i < model.nodes.size(); ++i) {
    const ModelNode& node = model.nodes[i];
    if (!live[i]) continue;
    try {
      if (fused_[i]) {
        const ModelNode& pw = model.nodes[i + 1];
        steps_.push_back({escapeText(node.name) + "+" + escapeText(pw.name), node.inputs, pw.output,
                          makeFusedOp(ctx, node, pw, shapes.windows[i], precision_)});
        ++i;
        continue;
      }
      NodeOp op = makeOp(ctx, node, shapes.windows[i], shapes.tensors[size_t(node.output)], precision_);
      steps_.push_back({escapeText(node.name), node.inputs, node.output, std::move(op)});
    } catch (const Error& e) {
      throw Error("Executor: " + describeNode(model, i) + ": " + e.what());
    }
  }
}

void Executor::planTensors(Context& ctx, const Model& model, const ShapePlan& shapes) {
  std::vector<bool> away = fusedAwayTensors(model, fused_);
  // With the first conv inside preprocessing nothing writes or reads the
  // model input, which would otherwise hold memory of its own (it is kept
  // distinct from every other tensor).
  if (first_conv_outside_) away[size_t(input_tensor_)] = true;
  plan_ = planArena(lifetimes(model, shapes, precision_, fused_), away, bindingAlignment(ctx));
  arena_ = ctx.allocator().createBuffer(plan_.arena_bytes, MemoryUsage::DeviceLocal);
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    tensor_names_.push_back(escapeText(model.tensors[t].name));
    if (away[t]) {  // never bound: a view of nothing
      tensors_.emplace_back();
      tensors_.back().shape = shapes.tensors[t];
      tensors_.back().precision = precision_;
      continue;
    }
    if (tensorBytes(shapes.tensors[t], precision_) > ctx.caps().max_storage_buffer_range)
      throw Error("Executor: tensor '" + tensor_names_.back() + "' (" + shapes.tensors[t].str() + ") at input size " +
                  std::to_string(input_size_) + " exceeds the device's storage buffer range of " +
                  std::to_string(ctx.caps().max_storage_buffer_range) + " bytes");
    tensors_.emplace_back(shapes.tensors[t], precision_, arena_, plan_.offsets[t]);
  }
}

// The first step is a dense conv over the 3-channel model input, and no
// other live node reads that input.
bool Executor::firstStepFusable(const Model& model, const ShapePlan& shapes, const std::vector<bool>& live) const {
  if (steps_.empty() || !std::holds_alternative<std::shared_ptr<Conv2dOp>>(steps_[0].op)) return false;
  if (steps_[0].inputs != std::vector{input_tensor_} || shapes.tensors[size_t(input_tensor_)].c != 3) return false;
  size_t first_node = size_t(std::find(live.begin(), live.end(), true) - live.begin());
  return otherReaders(model, live, input_tensor_, first_node) == 0;
}

Executor::~Executor() = default;

uint32_t Executor::dispatchCount() const { return uint32_t(steps_.size() - firstRecordedStep()); }

std::optional<FirstConv> Executor::firstConv() const {
  if (!first_conv_outside_) return std::nullopt;
  return FirstConv{std::get<std::shared_ptr<Conv2dOp>>(steps_[0].op).get(), tensors_[size_t(steps_[0].output)]};
}

std::string_view Executor::firstConvName() const {
  return first_conv_outside_ ? std::string_view(steps_[0].name) : std::string_view();
}

const TensorView& Executor::input() const { return tensors_[size_t(input_tensor_)]; }

const TensorView& Executor::output(OutputRole role) const {
  for (const ModelOutput& o : outputs_)
    if (o.role == role) return tensors_[size_t(o.tensor)];
  throw Error(std::string("Executor: the model has no ") + outputRoleName(role) + " output, or it was not asked for");
}

std::vector<std::string> Executor::nodeNames() const {
  std::vector<std::string> names;
  for (size_t i = firstRecordedStep(); i < steps_.size(); ++i) names.push_back(steps_[i].name);
  return names;
}

void Executor::record(CommandRecorder& rec) { record(rec, {}); }

void Executor::record(CommandRecorder& rec, const std::function<void(size_t, const std::string&)>& after_step) {
  DispatchHazards hazards;
  size_t index = 0;
  auto region = [&](int t) {
    return ArenaRegion{tensor_names_[size_t(t)], tensors_[size_t(t)].offset, tensors_[size_t(t)].bytes()};
  };
  for (size_t s = firstRecordedStep(); s < steps_.size(); ++s) {
    Step& step = steps_[s];
    std::vector<ArenaRegion> reads;
    for (int t : step.inputs) reads.push_back(region(t));
    std::string why = hazards.beforeDispatch(step.name, reads, region(step.output));
    if (!why.empty()) rec.barrier(Stage::Compute, Stage::Compute, why);
    std::visit([&](auto& op) { recordOp(*op, rec, descriptors_, tensors_, step.inputs, step.output); }, step.op);
    if (after_step) after_step(index, step.name);
    ++index;
  }
}

}  // namespace vkpose
