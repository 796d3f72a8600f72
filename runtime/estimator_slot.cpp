#include "runtime/estimator_slot.h"

#include <array>
#include <chrono>
#include <cstdint>

#include "engine/error.h"

namespace vkpose {

Fence::Fence(VkDevice device) : device_(device) {
  VkFenceCreateInfo info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VKPOSE_VK(vkCreateFence(device_, &info, nullptr, &fence_));
}

Fence::~Fence() { vkDestroyFence(device_, fence_, nullptr); }

namespace {

std::unique_ptr<Executor> makeExecutor(Context& ctx, const Model& model, int input_size, const SlotConfig& config,
                                       const Executor* ops_from) {
  if (ops_from) return std::make_unique<Executor>(ctx, model, *ops_from);
  ExecutorOptions options;
  options.first_conv_in_preprocess = config.first_conv_in_preprocess;
  // Single-pose decoding reads only these; the displacement heads are skipped.
  return std::make_unique<Executor>(ctx, model, input_size, config.precision,
                                    std::vector<OutputRole>{OutputRole::Heatmap, OutputRole::Offsets}, options);
}

}  // namespace

FrameSlot::FrameSlot(Context& ctx, const Model& model, int input_size, const SlotConfig& config,
                     VkQueue host_frame_queue, const Executor* ops_from)
    : ctx_(ctx),
      model_(model),
      config_(config),
      host_frame_queue_(host_frame_queue),
      preprocess_(ctx, config.precision, config.normalisation),
      decode_(ctx, config.precision, config.output_stride),
      executor_(makeExecutor(ctx, model, input_size, config, ops_from)),
      readback_(ctx.allocator().createBuffer(DecodeOp::outputBytes(), MemoryUsage::Readback)),
      frame_in_(ctx, preprocess_),
      network_(ctx),
      frame_out_(ctx),
      fence_(ctx.device()) {
  createTimestamps();
  recordNetwork();
}

void FrameSlot::createTimestamps() {
  timestamps_.reset();
  if (config_.timing == GpuTimingMode::Off || !ctx_.caps().timestamps) return;
  uint32_t network_marks = config_.timing == GpuTimingMode::PerLayer ? executor_->dispatchCount() : 1;
  timestamps_ = std::make_unique<TimestampQueries>(ctx_, 3 + network_marks);
}

uint32_t FrameSlot::decodeMark() const {
  return 2 + (config_.timing == GpuTimingMode::PerLayer ? executor_->dispatchCount() : 1);
}

FrameSlot::~FrameSlot() {
  // The command buffers and buffers must outlive the GPU's use of them.
  if (submitted_) waitUntilFinished();
}

void FrameSlot::recordNetwork() {
  network_.begin();
  if (timestamps_ && config_.timing == GpuTimingMode::PerLayer) {
    executor_->record(network_, [&](size_t i, const std::string& name) {
      timestamps_->mark(network_.handle(), uint32_t(2 + i), name);
    });
  } else {
    executor_->record(network_);
    if (timestamps_) timestamps_->mark(network_.handle(), 2, "network");
  }
  network_.end();
}

void FrameSlot::recordFrameOut(int width, int height) {
  if (frame_out_grid_ && frame_out_grid_->frame_width == width && frame_out_grid_->frame_height == height) return;
  frame_out_grid_.reset();  // a recording that throws half-way must not be replayed
  SamplingGrid grid = samplingGrid(config_.resize, width, height, executor_->inputSize(), config_.roi);
  frame_out_descriptors_ = std::make_unique<DescriptorArena>(ctx_, 4);
  frame_out_.begin();
  frame_out_.barrier(Stage::Compute, Stage::Compute, "the network's heatmap and offsets are the decode's input");
  decode_.record(frame_out_, *frame_out_descriptors_, executor_->output(OutputRole::Heatmap),
                 executor_->output(OutputRole::Offsets), grid.mapping(), readback_);
  if (timestamps_) timestamps_->mark(frame_out_.handle(), decodeMark(), "decode");
  frame_out_.barrier(Stage::Compute, Stage::Host, "the host reads the decoded pose");
  frame_out_.end();
  frame_out_grid_ = grid;
}

void FrameSlot::ensureStaging(uint64_t bytes) {
  if (staging_ && staging_.size() >= bytes) return;
  frame_in_.clear();    // the recordings bind the old buffer
  staging_ = Buffer();  // free the old one before allocating its successor
  staging_ = ctx_.allocator().createBuffer(bytes, MemoryUsage::Upload);
}

FrameInputTarget FrameSlot::target() const {
  return {&executor_->input(), config_.resize, config_.roi, timestamps_.get(), executor_->firstConv(),
          executor_->firstConvName()};
}

// Only the bytes preprocessing reads are copied: letterboxing 1280x720 to
// 257 reads 40% of the rows. Staging bytes outside them keep whatever an
// earlier frame left there, which no dispatch reads.
void FrameSlot::submit(const Frame& frame, Ticket ticket) {
  uint8_t* staging = stagingFor(frame.layout);
  config_.copy->copyRanges(staging, frame.pixels, sampledRanges(frame.layout));
  submitStaged(frame.layout, ticket);
}

// The grid is frame_out_'s, which stagingFor has just recorded for this frame.
const std::vector<ByteRange>& FrameSlot::sampledRanges(const FrameLayout& layout) {
  const SamplingGrid& grid = *frame_out_grid_;
  if (!sampled_ || !(sampled_->layout == layout) || !(sampled_->grid == grid))
    sampled_ = SampledRanges{layout, grid, sampledByteRanges(grid, layout)};
  return sampled_->ranges;
}

uint8_t* FrameSlot::stagingFor(const FrameLayout& layout) {
  if (ticket_) throw Error("FrameSlot::stagingFor: the slot still holds ticket " + std::to_string(*ticket_));
  ensureStaging(layout.requiredBytes());
  frame_in_.get(stagingKey(staging_, layout), staging_, target());
  recordFrameOut(layout.width, layout.height);
  return staging_.mapped();
}

void FrameSlot::submitStaged(const FrameLayout& layout, Ticket ticket) {
  if (ticket_) throw Error("FrameSlot::submit: the slot still holds ticket " + std::to_string(*ticket_));
  if (!staging_ || staging_.size() < layout.requiredBytes())
    throw Error("FrameSlot::submitStaged: the staging buffer does not hold a " + std::to_string(layout.width) + "x" +
                std::to_string(layout.height) + " frame");
  // Replays the recordings stagingFor made, unless a re-plan dropped them.
  VkCommandBuffer frame_in = frame_in_.get(stagingKey(staging_, layout), staging_, target());
  recordFrameOut(layout.width, layout.height);
  staging_.flush(layout.spannedBytes());  // host writes reach the GPU at vkQueueSubmit, once flushed
  submitRecordings(host_frame_queue_, frame_in, VK_NULL_HANDLE, 0, VK_NULL_HANDLE, ticket);
}

void FrameSlot::submit(const GpuFrame& frame, Ticket ticket) { submitReadInPlace(frame, ctx_.queue(), ticket); }

void FrameSlot::submitImported(const GpuFrame& frame, Ticket ticket) {
  submitReadInPlace(frame, host_frame_queue_, ticket);
}

void FrameSlot::submitReadInPlace(const GpuFrame& frame, VkQueue queue, Ticket ticket) {
  if (ticket_) throw Error("FrameSlot::submit: the slot still holds ticket " + std::to_string(*ticket_));
  VkCommandBuffer frame_in = frame_in_.get(gpuFrameKey(frame), staging_, target());
  recordFrameOut(frame.layout.width, frame.layout.height);
  submitRecordings(queue, frame_in, frame.wait_semaphore, frame.wait_stage, frame.signal_semaphore, ticket);
}

void FrameSlot::submitRecordings(VkQueue queue, VkCommandBuffer frame_in, VkSemaphore wait,
                                 VkPipelineStageFlags wait_stage, VkSemaphore signal, Ticket ticket) {
  VkCommandBuffer buffers[] = {frame_in, network_.handle(), frame_out_.handle()};
  VkSubmitInfo info{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  info.commandBufferCount = 3;
  info.pCommandBuffers = buffers;
  if (wait) {
    info.waitSemaphoreCount = 1;
    info.pWaitSemaphores = &wait;
    info.pWaitDstStageMask = &wait_stage;
  }
  if (signal) {
    info.signalSemaphoreCount = 1;
    info.pSignalSemaphores = &signal;
  }
  poisonReadback();
  VkFence fence = fence_.handle();
  VKPOSE_VK(vkResetFences(ctx_.device(), 1, &fence));
  VKPOSE_VK(vkQueueSubmit(queue, 1, &info, fence));
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
  if (spinUntilFinished()) return;
  VkFence fence = fence_.handle();
  VKPOSE_VK(vkWaitForFences(ctx_.device(), 1, &fence, VK_TRUE, UINT64_MAX));
}

bool FrameSlot::spinUntilFinished() const {
  if (config_.fence_spin.count() == 0) return false;
  auto deadline = std::chrono::steady_clock::now() + config_.fence_spin;
  while (std::chrono::steady_clock::now() < deadline)
    if (finished()) return true;
  return false;
}

// NaN everywhere, so a decode that skipped a field can never pass for a
// pose left over from the previous frame.
void FrameSlot::poisonReadback() {
  std::array<uint32_t, sizeof(PoseGpu) / 4> nan;
  nan.fill(0x7fc00000u);
  readback_.write(nan.data(), sizeof(PoseGpu));
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

std::optional<GpuTiming> FrameSlot::readTiming() const {
  if (!timestamps_) return std::nullopt;
  std::vector<TimedSpan> spans = timestamps_->results();
  if (spans.size() != decodeMark()) return std::nullopt;
  GpuTiming timing;
  timing.preprocess_ms = spans.front().ms;
  timing.preprocess_label = spans.front().label;
  timing.decode_ms = spans.back().ms;
  for (size_t i = 1; i + 1 < spans.size(); ++i) timing.network_ms += spans[i].ms;
  if (config_.timing == GpuTimingMode::PerLayer) timing.layers.assign(spans.begin() + 1, spans.end() - 1);
  timing.total_ms = timing.preprocess_ms + timing.network_ms + timing.decode_ms;
  return timing;
}

Pose FrameSlot::collect() {
  if (!ticket_) throw Error("FrameSlot::collect: the slot holds no frame");
  Pose pose = kept_ ? *kept_ : readPose();
  last_timing_ = kept_ ? kept_timing_ : readTiming();
  kept_.reset();
  kept_timing_.reset();
  ticket_.reset();
  submitted_ = false;
  return pose;
}

void FrameSlot::forgetFrameSource(uint64_t handle) {
  waitUntilFinished();
  frame_in_.forget(handle);
}

void FrameSlot::setInputSize(int input_size, const Executor* ops_from) {
  waitUntilFinished();
  if (ticket_ && !kept_) {
    kept_ = readPose();
    kept_timing_ = readTiming();
  }
  submitted_ = false;
  frame_in_.clear();
  frame_out_grid_.reset();
  executor_.reset();  // frees its arena (and its ops, unless shared) before the successor allocates
  executor_ = makeExecutor(ctx_, model_, input_size, config_, ops_from);
  createTimestamps();
  recordNetwork();
}

}  // namespace vkpose
