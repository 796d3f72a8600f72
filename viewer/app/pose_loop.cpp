#include "viewer/app/pose_loop.h"

#include <stdexcept>

#include "viewer/gpu/device.h"

namespace vkpose::view {

PoseLoop::PoseLoop(GpuDevice& device, EstimatorOptions options) : device_(device) {
  options.external_device = device.external();
  estimator_ = std::make_unique<Estimator>(options);
  // Enough buffers that one is always free: the current frame, one per
  // estimate in flight, and one per draw in flight (the caller has waited
  // for the oldest draw before it uploads).
  uploads_.resize(size_t(options.frames_in_flight) + 3);
}

PoseLoop::~PoseLoop() {
  try {
    collectAll();
  } catch (...) {
    // Shutting down after an error: the estimator's own destructor waits for the device.
  }
}

size_t PoseLoop::freeUpload(uint64_t completed_draw, uint64_t bytes) {
  for (size_t i = 0; i < uploads_.size(); ++i) {
    Upload& u = uploads_[i];
    if (i == current_ || u.estimates > 0 || u.last_draw > completed_draw) continue;
    if (!u.buffer || u.buffer.size() < bytes) {
      // The estimator keeps a recording per buffer it has read; a new
      // buffer may get the old one's handle.
      if (u.buffer) estimator_->forgetGpuFrame(gpuFrame(u));
      u.buffer = Buffer();  // free the old one before allocating a larger one
      u.buffer = device_.allocator().createBuffer(bytes, MemoryUsage::Upload);
    }
    return i;
  }
  throw std::logic_error("PoseLoop: every upload buffer is still in use");
}

void PoseLoop::setFrame(const RgbaFrame& frame, uint64_t completed_draw) {
  size_t i = freeUpload(completed_draw, frame.bytes());
  Upload& u = uploads_[i];
  u.buffer.write(frame.pixels.data(), frame.bytes());  // the one host-to-GPU copy of this frame
  u.id = next_upload_id_++;
  u.width = frame.width;
  u.height = frame.height;
  u.frame_index = frame.index;
  u.decoded_at = frame.decoded_at;
  u.estimated = false;
  u.last_draw = 0;
  current_ = i;
}

VkBuffer PoseLoop::currentBuffer() const { return uploads_[current_].buffer.handle(); }
uint64_t PoseLoop::currentUpload() const { return uploads_[current_].id; }
int PoseLoop::currentWidth() const { return uploads_[current_].width; }
int PoseLoop::currentHeight() const { return uploads_[current_].height; }
int64_t PoseLoop::currentIndex() const { return uploads_[current_].frame_index; }
void PoseLoop::noteDraw(uint64_t serial) { uploads_[current_].last_draw = serial; }
int PoseLoop::outputStride() const { return estimator_->model().metadata.output_stride; }

GpuFrame PoseLoop::gpuFrame(const Upload& u) const {
  return GpuFrame::fromBuffer(u.buffer.handle(), 0, u.buffer.size(),
                              FrameLayout::packed(u.width, u.height, PixelFormat::RGBA8));
}

std::optional<Ticket> PoseLoop::submitCurrent() {
  Upload& u = uploads_[current_];
  std::optional<Ticket> ticket = estimator_->submit(gpuFrame(u));
  if (!ticket) return std::nullopt;
  // A held frame (a still image, a paused video) is estimated again and
  // again; its latency counts from each re-submission, not from decoding.
  Clock::time_point start = u.estimated ? Clock::now() : u.decoded_at;
  u.estimated = true;
  ++u.estimates;
  pending_.push_back({*ticket, current_, u.frame_index, u.width, u.height, start});
  return ticket;
}

void PoseLoop::finish(const Pending& p, const Pose& pose) {
  --uploads_[p.upload].estimates;
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - p.start).count();
  uint64_t sequence = latest_ ? latest_->sequence + 1 : 1;
  latest_ = PoseResult{pose, p.frame_index, p.width, p.height, ms, sequence};
}

void PoseLoop::estimateNow() {
  collectAll();
  std::optional<Ticket> ticket = submitCurrent();
  if (!ticket) throw std::logic_error("PoseLoop: no free estimator slot after collecting every frame");
  Pending p = pending_.back();
  pending_.pop_back();
  finish(p, estimator_->wait(*ticket));
}

void PoseLoop::estimateInBackground() {
  // Poses finish in submission order (one queue), so stop at the first that has not.
  while (!pending_.empty()) {
    std::optional<Pose> pose = estimator_->poll(pending_.front().ticket);
    if (!pose) break;
    finish(pending_.front(), *pose);
    pending_.pop_front();
  }
  submitCurrent();  // every slot busy: this frame goes without a pose of its own
}

void PoseLoop::collectAll() {
  while (!pending_.empty()) {
    Pending p = pending_.front();
    pending_.pop_front();
    finish(p, estimator_->wait(p.ticket));
  }
}

int64_t PoseLoop::lagFrames() const {
  if (!latest_ || !hasFrame()) return 0;
  return currentIndex() - latest_->frame_index;
}

void PoseLoop::setInputSize(int size) {
  collectAll();
  estimator_->setInputSize(size);
}

}  // namespace vkpose::view
