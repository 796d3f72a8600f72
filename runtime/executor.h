// Runs a model's graph on the GPU at one input size. Everything is built at
// construction: shapes (planShapes), the memory plan, one device buffer for
// all activations, and one op per node with its pipeline and weights (one
// for both nodes of a fused depthwise + pointwise pair, see DwPointwiseFusion).
// record() then writes the whole network into a command buffer that is
// replayed every frame: nothing is allocated, created or updated per frame.
// Another input size is another Executor over the same Model (no reload).
//
// Memory: every activation is a view into one arena buffer at the offset the
// memory plan (runtime/memory_plan.h) gave it; tensors that are never alive
// at the same time share bytes. The graph input and outputs are never shared,
// so preprocessing may write input() and argmax/decoding read the outputs
// around the network.
//
// Synchronisation contract: record() orders its own dispatches (a barrier
// wherever one reads what another wrote or overwrites what another used), but
// not what surrounds them. Before record(), the caller puts a compute barrier
// after whatever writes input() and after any earlier replay of the network
// (whose dispatches still read the arena); after it, a barrier before anything
// reads the outputs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/memory.h"
#include "engine/pipeline.h"
#include "runtime/memory_plan.h"
#include "runtime/model/model.h"
#include "runtime/model/shapes.h"
#include "runtime/ops/preprocess.h"
#include "runtime/tensor.h"

namespace vkpose {

class CommandRecorder;

// Whether a depthwise 3x3 node and the pointwise node after it, its only
// reader, run as one dispatch (runtime/ops/dw_pointwise.h). Auto:
// VKPOSE_FUSE_DWPW=0/1 when set, else off. Fusion saves a dispatch and the
// intermediate tensor's memory traffic, but on small planes it must repeat
// the depthwise work per output block to keep a big GPU busy: on an H200 it
// made PoseNet 1.4-2x slower at 257 and 513 (docs/performance.md), and on
// lavapipe 50x. It stays for devices where memory traffic dominates (to be
// measured: mobile GPUs).
enum class DwPointwiseFusion { Auto, On, Off };

struct ExecutorOptions {
  DwPointwiseFusion fuse_dw_pw = DwPointwiseFusion::Auto;
  // The caller runs the first layer inside preprocessing (PreprocessOp with
  // a FirstConv), where it qualifies: a dense conv that alone reads the
  // 3-channel model input. record() then starts at the second layer.
  bool first_conv_in_preprocess = false;
};

class Executor {
 public:
  // Throws ModelError for an input size the model can't take (naming the
  // nearest valid ones) and vkpose::Error naming the node an op refuses.
  // `outputs`: the roles the caller reads; nodes that feed none of them are
  // not built or run (the Estimator needs only heatmap and offsets, not the
  // multi-pose displacement heads). Empty means every model output.
  Executor(Context& ctx, const Model& model, int input_size, Precision precision,
           const std::vector<OutputRole>& outputs = {}, const ExecutorOptions& options = {});
  // Another executor of the same model, input size and precision that shares
  // `ops_from`'s weights and pipelines (which must outlive neither: they are
  // reference counted) but has its own activation arena and descriptors.
  Executor(Context& ctx, const Model& model, const Executor& ops_from);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Records every node's dispatch, with the barriers between them. Each call
  // allocates its descriptor sets (from the executor's own pool): record once
  // per command buffer, then replay that buffer.
  void record(CommandRecorder& rec);
  // The same, calling after_step(i, step name) after step i's dispatch (GPU
  // timestamps per layer).
  void record(CommandRecorder& rec, const std::function<void(size_t, const std::string&)>& after_step);
  // One name per dispatch: the node's, or "dw+pw" for a fused pair.
  std::vector<std::string> nodeNames() const;
  // The first layer, when the caller runs it inside preprocessing
  // (ExecutorOptions::first_conv_in_preprocess, where it qualifies): record()
  // leaves it out, and the caller writes its output before the replay.
  std::optional<FirstConv> firstConv() const;
  // Its node name (empty when firstConv() is); valid while the executor lives.
  std::string_view firstConvName() const;

  int inputSize() const { return input_size_; }
  Precision precision() const { return precision_; }
  // The normalised RGB image, 3 x inputSize x inputSize in C4HW4. With the
  // first conv inside preprocessing (firstConv()), nothing uses it, and it
  // is a view of its shape only, without memory (buffer null).
  const TensorView& input() const;
  // Throws when the model has no output with this role, or it was not asked for.
  const TensorView& output(OutputRole role) const;

  uint64_t activationBytes() const { return plan_.arena_bytes; }        // the arena: the planned peak
  uint64_t naiveActivationBytes() const { return plan_.naive_bytes; }  // one buffer per tensor
  uint32_t dispatchCount() const;  // one per node record() runs, a fused pair counting once

 private:
  struct Step;
  void planTensors(Context& ctx, const Model& model, const ShapePlan& shapes);
  void buildSteps(Context& ctx, const Model& model, const ShapePlan& shapes, const std::vector<bool>& live);
  bool firstStepFusable(const Model& model, const ShapePlan& shapes, const std::vector<bool>& live) const;
  size_t firstRecordedStep() const { return first_conv_outside_ ? 1 : 0; }

  int input_size_;
  Precision precision_;
  int input_tensor_;
  std::vector<ModelOutput> outputs_;
  std::vector<std::string> tensor_names_;
  MemoryPlan plan_;
  Buffer arena_;
  std::vector<TensorView> tensors_;  // per model tensor, into arena_ (unbound for a fused pair's intermediate)
  std::vector<Step> steps_;          // per node run (a fused pair is one), in graph order
  std::vector<bool> fused_;          // per model node: runs fused with the node after it
  bool first_conv_outside_ = false;  // steps_[0] runs inside the caller's preprocessing
  DescriptorArena descriptors_;
};

}  // namespace vkpose
