#include "runtime/estimator.h"

#include <string>
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

void checkFrame(const Frame& frame) {
  const FrameLayout& layout = frame.layout;
  if (!frame.pixels) throw Error("Estimator: frame pixels are null");
  if (layout.width > kEstimatorMaxFrameSide || layout.height > kEstimatorMaxFrameSide)
    throw Error("Estimator: frame " + std::to_string(layout.width) + "x" + std::to_string(layout.height) +
                " exceeds the limit of " + std::to_string(kEstimatorMaxFrameSide) +
                " pixels per side (downscale it first)");
  validateFrameLayout(layout);  // empty frames, row strides smaller than a row
}

}  // namespace

struct Estimator::Impl {
  std::unique_ptr<Context> ctx;
  Model model;
  int input_size = 0;
  std::vector<std::unique_ptr<FrameSlot>> slots;  // destroyed before the context
  Ticket next_ticket = 1;

  FrameSlot& slotOf(Ticket ticket) {
    for (auto& slot : slots)
      if (slot->ticket() == ticket) return *slot;
    throw Error("Estimator: ticket " + std::to_string(ticket) + " is unknown or already collected");
  }
};

Estimator::Estimator(const EstimatorOptions& options) : impl_(std::make_unique<Impl>()) {
  checkOptions(options);
  impl_->model = loadModel(options.model_path);
  checkInputSize(options.input_size, impl_->model);
  checkModelOutputs(impl_->model, options.model_path);
  impl_->ctx = Context::create(options.context);
  if (!deviceSupports(*impl_->ctx, options.precision))
    throw Error(std::string("Estimator: device ") + impl_->ctx->caps().device_name + " does not support precision " +
                precisionSuffix(options.precision));
  SlotConfig config{options.precision, options.resize, options.roi,
                    PixelNormalisation::fromMetadata(impl_->model.metadata), impl_->model.metadata.output_stride};
  for (int i = 0; i < options.frames_in_flight; ++i)
    impl_->slots.push_back(std::make_unique<FrameSlot>(*impl_->ctx, impl_->model, options.input_size, config));
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
  for (auto& slot : impl_->slots) {
    if (slot->ticket()) continue;
    Ticket ticket = impl_->next_ticket;
    slot->submit(frame, ticket);
    ++impl_->next_ticket;
    return ticket;
  }
  return std::nullopt;
}

std::optional<Pose> Estimator::poll(Ticket ticket) {
  FrameSlot& slot = impl_->slotOf(ticket);
  if (!slot.finished()) return std::nullopt;
  return slot.collect();
}

Pose Estimator::wait(Ticket ticket) {
  FrameSlot& slot = impl_->slotOf(ticket);
  slot.waitUntilFinished();
  return slot.collect();
}

void Estimator::setInputSize(int input_size) {
  checkInputSize(input_size, impl_->model);
  if (input_size == impl_->input_size) return;
  for (auto& slot : impl_->slots) slot->setInputSize(input_size);
  impl_->input_size = input_size;
}

int Estimator::inputSize() const { return impl_->input_size; }

const Model& Estimator::model() const { return impl_->model; }

Context& Estimator::context() { return *impl_->ctx; }

}  // namespace vkpose
