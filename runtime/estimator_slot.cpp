#include "runtime/estimator_slot.h"

#include "engine/error.h"

namespace vkpose {

namespace {

bool sameLayout(const FrameLayout& a, const FrameLayout& b) {
  return a.width == b.width && a.height == b.height && a.row_stride == b.row_stride && a.format == b.format;
}

// The bytes the caller's pixels span: the last row is not padded to the stride.
uint64_t frameBytes(const FrameLayout& layout) {
  return uint64_t(layout.height - 1) * layout.row_stride + uint64_t(layout.width) * pixelBytes(layout.format);
}

}  // namespace

Fence::Fence(VkDevice device) : device_(device) {
  VkFenceCreateInfo info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VKPOSE_VK(vkCreateFence(device_, &info, nullptr, &fence_));
}

Fence::~Fence() { vkDestroyFence(device_, fence_, nullptr); }

FrameSlot::FrameSlot(Context& ctx, const Model& model, int input_size, const SlotConfig& config)
    : ctx_(ctx),
      model_(model),
      config_(config),
      preprocess_(ctx, config.precision, config.normalisation),
      decode_(ctx, config.precision, config.output_stride),
      executor_(std::make_unique<Executor>(ctx, model, input_size, config.precision)),
      readback_(ctx.allocator().createBuffer(DecodeOp::outputBytes(), MemoryUsage::Readback)),
      frame_in_(ctx),
      network_(ctx),
      frame_out_(ctx),
      fence_(ctx.device()) {
  recordNetwork();
}

FrameSlot::~FrameSlot() {
  // The command buffers and buffers must outlive the GPU's use of them.
  if (submitted_) waitUntilFinished();
}

void FrameSlot::recordNetwork() {
  network_.begin();
  executor_->record(network_);
  network_.end();
}

void FrameSlot::recordFrame(const FrameLayout& layout) {
  recorded_layout_.reset();  // a recording that throws half-way must not be replayed
  SamplingGrid grid = samplingGrid(config_.resize, layout.width, layout.height, executor_->inputSize(), config_.roi);
  frame_descriptors_ = std::make_unique<DescriptorArena>(ctx_, 4);

  frame_in_.begin();
  frame_in_.barrier(Stage::Compute, Stage::Compute,
                    "this slot's previous network replay read the input that preprocessing overwrites");
  preprocess_.record(frame_in_, *frame_descriptors_, staging_, layout, grid, executor_->input());
  frame_in_.barrier(Stage::Compute, Stage::Compute, "preprocessing writes the network input");
  frame_in_.end();

  frame_out_.begin();
  frame_out_.barrier(Stage::Compute, Stage::Compute, "the network's heatmap and offsets are the decode's input");
  decode_.record(frame_out_, *frame_descriptors_, executor_->output(OutputRole::Heatmap),
                 executor_->output(OutputRole::Offsets), grid.mapping(), readback_);
  frame_out_.barrier(Stage::Compute, Stage::Host, "the host reads the decoded pose");
  frame_out_.end();
  recorded_layout_ = layout;
}

void FrameSlot::ensureStaging(uint64_t bytes) {
  if (staging_ && staging_.size() >= bytes) return;
  recorded_layout_.reset();  // the recording binds the old buffer
  staging_ = Buffer();       // free the old one before allocating its successor
  staging_ = ctx_.allocator().createBuffer(bytes, MemoryUsage::Upload);
}

void FrameSlot::submit(const Frame& frame, Ticket ticket) {
  if (ticket_) throw Error("FrameSlot::submit: the slot still holds ticket " + std::to_string(*ticket_));
  ensureStaging(frame.layout.requiredBytes());
  if (!recorded_layout_ || !sameLayout(*recorded_layout_, frame.layout)) recordFrame(frame.layout);
  staging_.write(frame.pixels, frameBytes(frame.layout));

  VkCommandBuffer buffers[] = {frame_in_.handle(), network_.handle(), frame_out_.handle()};
  VkSubmitInfo info{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  info.commandBufferCount = 3;
  info.pCommandBuffers = buffers;
  VkFence fence = fence_.handle();
  VKPOSE_VK(vkResetFences(ctx_.device(), 1, &fence));
  VKPOSE_VK(vkQueueSubmit(ctx_.queue(), 1, &info, fence));
  submitted_ = true;
  ticket_ = ticket;
}

bool FrameSlot::finished() const {
  if (!submitted_) return true;
  VkResult status = vkGetFenceStatus(ctx_.device(), fence_.handle());
  if (status == VK_NOT_READY) return false;
  VKPOSE_VK(status);
  return true;
}

void FrameSlot::waitUntilFinished() const {
  if (!submitted_) return;
  VkFence fence = fence_.handle();
  VKPOSE_VK(vkWaitForFences(ctx_.device(), 1, &fence, VK_TRUE, UINT64_MAX));
}

Pose FrameSlot::readPose() const {
  PoseGpu gpu{};
  readback_.read(&gpu, sizeof(gpu));
  Pose pose;
  for (int k = 0; k < kKeypointCount; ++k)
    pose.keypoints[size_t(k)] = {gpu.keypoints[k].x, gpu.keypoints[k].y, gpu.keypoints[k].score};
  pose.score = gpu.pose_score;
  return pose;
}

Pose FrameSlot::collect() {
  if (!ticket_) throw Error("FrameSlot::collect: the slot holds no frame");
  Pose pose = kept_ ? *kept_ : readPose();
  kept_.reset();
  ticket_.reset();
  submitted_ = false;
  return pose;
}

void FrameSlot::setInputSize(int input_size) {
  waitUntilFinished();
  if (ticket_ && !kept_) kept_ = readPose();
  submitted_ = false;
  executor_ = std::make_unique<Executor>(ctx_, model_, input_size, config_.precision);
  recorded_layout_.reset();
  recordNetwork();
}

}  // namespace vkpose
