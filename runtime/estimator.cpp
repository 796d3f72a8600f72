#include "runtime/estimator.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "engine/error.h"
#include "runtime/estimator_slot.h"
#include "runtime/model/shapes.h"

namespace vkpose {

namespace {

// Checks that need no model or device, so bad options fail fast.
void checkOptions(const EstimatorOptions& options) {
  if (options.model_path.empty()) throw Error("Estimator: no model path given (EstimatorOptions::model_path)");
  if (options.frames_in_flight < 1 || options.frames_in_flight > kMaxFramesInFlight)
    throw Error("Estimator: frames_in_flight " + std::to_string(options.frames_in_flight) + " is outside 1.." +
                std::to_string(kMaxFramesInFlight));
}

void checkInputSize(int size, const Model& model) {
  if (size < kEstimatorMinInputSize || size > kEstimatorMaxInputSize)
    throw Error("Estimator: input size " + std::to_string(size) + " is outside " +
                std::to_string(kEstimatorMinInputSize) + ".." + std::to_string(kEstimatorMaxInputSize));
  if (!isValidInputSize(size, model.metadata.output_stride))
    throw Error("Estimator: " + invalidInputSizeMessage(size, model.metadata.output_stride));
}

void checkModelOutputs(const Model& model, const std::string& path) {
  for (OutputRole role : {OutputRole::Heatmap, OutputRole::Offsets}) {
    bool present = false;
    for (const ModelOutput& output : model.outputs) present = present || output.role == role;
    if (!present)
      throw Error("Estimator: model " + path + " has no " + outputRoleName(role) + " output to decode keypoints from");
  }
}

// Larger frames are refused rather than downscaled (kEstimatorMaxFrameSide).
void checkFrameSide(int width, int height) {
  if (width > kEstimatorMaxFrameSide || height > kEstimatorMaxFrameSide)
    throw Error("Estimator: frame " + std::to_string(width) + "x" + std::to_string(height) +
                " exceeds the limit of " + std::to_string(kEstimatorMaxFrameSide) +
                " pixels per side (downscale it first)");
}

void checkFrame(const Frame& frame) {
  if (!frame.pixels) throw Error("Estimator: frame pixels are null");
  checkFrameSide(frame.layout.width, frame.layout.height);
  validateFrameLayout(frame.layout);  // empty frames, row strides smaller than a row
}

// A GpuFrame's layout is checked against its buffer or image when recorded.
void checkGpuFrameSize(int width, int height) {
  if (width <= 0 || height <= 0)
    throw Error("Estimator: frame " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
  checkFrameSide(width, height);
}

std::unique_ptr<Context> makeContext(const EstimatorOptions& options) {
  if (options.external_device) return Context::adopt(*options.external_device, options.context);
  return Context::create(options.context);
}

// The extent preprocessing samples: the whole frame, or the crop region.
std::pair<int, int> sampledRegion(const EstimatorOptions& options, int frame_width, int frame_height) {
  if (options.resize != ResizeMode::Crop) return {frame_width, frame_height};
  return {int(options.roi.width + 0.5f), int(options.roi.height + 0.5f)};
}

}  // namespace

int chooseInputSize(int region_width, int region_height, int output_stride, int max_size) {
  int longer = std::max(region_width, region_height);
  int size = kEstimatorMinInputSize + std::max(0, (longer - kEstimatorMinInputSize) / output_stride) * output_stride;
  return std::clamp(size, kEstimatorMinInputSize, max_size);
}

struct Estimator::Impl {
  EstimatorOptions options;
  std::unique_ptr<Context> ctx;
  Model model;
  int input_size = 0;
  std::vector<std::unique_ptr<FrameSlot>> slots;  // destroyed before the context
  Ticket next_ticket = 1;
  std::optional<GpuTiming> last_timing;

  bool broken = false;  // a failed re-plan could not be undone

  void replan(int size) {
    for (size_t i = 0; i < slots.size(); ++i)
      slots[i]->setInputSize(size, i == 0 ? nullptr : &slots.front()->executor());
    input_size = size;
    broken = false;
  }

  FrameSlot* freeSlot() {
    if (broken)
      throw Error("Estimator: unusable after a failed setInputSize that could not be undone; call setInputSize again");
    for (auto& slot : slots)
      if (!slot->ticket()) return slot.get();
    return nullptr;
  }

  FrameSlot& slotOf(Ticket ticket) {
    for (auto& slot : slots)
      if (slot->ticket() == ticket) return *slot;
    throw Error("Estimator: ticket " + std::to_string(ticket) + " is unknown or already collected");
  }
};

Estimator::Estimator(const EstimatorOptions& options) : impl_(std::make_unique<Impl>()) {
  checkOptions(options);
  impl_->options = options;
  impl_->model = loadModel(options.model_path);
  checkInputSize(options.input_size, impl_->model);
  if (options.input_size_policy == InputSizePolicy::FromFrame) checkInputSize(options.max_auto_input_size, impl_->model);
  checkModelOutputs(impl_->model, options.model_path);
  impl_->ctx = makeContext(options);
  if (!deviceSupports(*impl_->ctx, options.precision))
    throw Error(std::string("Estimator: device ") + impl_->ctx->caps().device_name + " does not support precision " +
                precisionSuffix(options.precision));
  SlotConfig config{options.precision, options.resize, options.roi,
                    PixelNormalisation::fromMetadata(impl_->model.metadata), impl_->model.metadata.output_stride,
                    options.gpu_timing};
  // Slots share the first one's weights and pipelines; each has its own activations.
  for (int i = 0; i < options.frames_in_flight; ++i) {
    const Executor* ops_from = i == 0 ? nullptr : &impl_->slots.front()->executor();
    impl_->slots.push_back(std::make_unique<FrameSlot>(*impl_->ctx, impl_->model, options.input_size, config, ops_from));
  }
  impl_->input_size = options.input_size;
}

Estimator::~Estimator() = default;

Pose Estimator::estimate(const Frame& frame) {
  std::optional<Ticket> ticket = submit(frame);
  if (!ticket)
    throw Error("Estimator::estimate: every frame slot holds an uncollected ticket; poll or wait for them first");
  return wait(*ticket);
}

std::optional<Ticket> Estimator::submit(const Frame& frame) {
  checkFrame(frame);
  adaptInputSize(frame.layout.width, frame.layout.height);
  FrameSlot* slot = impl_->freeSlot();
  if (!slot) return std::nullopt;
  slot->submit(frame, impl_->next_ticket);
  return impl_->next_ticket++;
}

Pose Estimator::estimate(const GpuFrame& frame) {
  std::optional<Ticket> ticket = submit(frame);
  if (!ticket)
    throw Error("Estimator::estimate: every frame slot holds an uncollected ticket; poll or wait for them first");
  return wait(*ticket);
}

std::optional<Ticket> Estimator::submit(const GpuFrame& frame) {
  checkGpuFrameSize(frame.layout.width, frame.layout.height);
  adaptInputSize(frame.layout.width, frame.layout.height);
  FrameSlot* slot = impl_->freeSlot();
  if (!slot) return std::nullopt;
  slot->submit(frame, impl_->next_ticket);
  return impl_->next_ticket++;
}

void Estimator::forgetGpuFrame(const GpuFrame& frame) {
  uint64_t handle = frame.kind == GpuFrame::Kind::Buffer ? uint64_t(frame.buffer) : uint64_t(frame.image);
  for (auto& slot : impl_->slots) slot->forgetFrameSource(handle);
}

// InputSizePolicy::FromFrame re-plans when a frame of another size arrives.
void Estimator::adaptInputSize(int frame_width, int frame_height) {
  const EstimatorOptions& options = impl_->options;
  if (options.input_size_policy != InputSizePolicy::FromFrame) return;
  auto [width, height] = sampledRegion(options, frame_width, frame_height);
  setInputSize(chooseInputSize(width, height, impl_->model.metadata.output_stride, options.max_auto_input_size));
}

std::optional<Pose> Estimator::poll(Ticket ticket) {
  FrameSlot& slot = impl_->slotOf(ticket);
  if (!slot.finished()) return std::nullopt;
  Pose pose = slot.collect();
  impl_->last_timing = slot.lastTiming();
  return pose;
}

Pose Estimator::wait(Ticket ticket) {
  FrameSlot& slot = impl_->slotOf(ticket);
  slot.waitUntilFinished();
  Pose pose = slot.collect();
  impl_->last_timing = slot.lastTiming();
  return pose;
}

void Estimator::setInputSize(int input_size) {
  checkInputSize(input_size, impl_->model);
  if (input_size == impl_->input_size && !impl_->broken) return;
  try {
    impl_->replan(input_size);
  } catch (...) {
    // Out of device memory at a large size, say: go back to the size that
    // worked, so that the Estimator stays usable, and report the failure.
    try {
      impl_->replan(impl_->input_size);
    } catch (...) {
      impl_->broken = true;
    }
    throw;
  }
}

int Estimator::inputSize() const { return impl_->input_size; }

std::optional<GpuTiming> Estimator::lastGpuTiming() const { return impl_->last_timing; }

EstimatorMemory Estimator::memory() const {
  EstimatorMemory m;
  for (const auto& slot : impl_->slots) {
    m.activations += slot->executor().activationBytes();
    m.staging += slot->stagingBytes();
    m.readback += slot->readbackBytes();
  }
  MemoryStats stats = impl_->ctx->allocator().stats();
  m.total = stats.used_bytes;
  m.device_memory = stats.block_bytes;
  uint64_t named = m.activations + m.staging + m.readback;
  m.weights = m.total > named ? m.total - named : 0;
  return m;
}

const Model& Estimator::model() const { return impl_->model; }

Context& Estimator::context() { return *impl_->ctx; }

}  // namespace vkpose
