#include "runtime/estimator.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/address_range.h"
#include "engine/error.h"
#include "engine/host_import.h"
#include "engine/timed.h"
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
    throw Error("Estimator: frame " + std::to_string(width) + "x" + std::to_string(height) + " exceeds the limit of " +
                std::to_string(kEstimatorMaxFrameSide) + " pixels per side (downscale it first)");
}

void checkLayout(const FrameLayout& layout) {
  checkFrameSide(layout.width, layout.height);
  validateFrameLayout(layout);  // empty frames, row strides smaller than a row
}

void checkFrame(const Frame& frame) {
  if (!frame.pixels) throw Error("Estimator: frame pixels are null");
  checkLayout(frame.layout);
}

bool sameLayout(const FrameLayout& a, const FrameLayout& b) {
  return a.width == b.width && a.height == b.height && a.row_stride == b.row_stride && a.format == b.format;
}

std::string layoutText(const FrameLayout& layout) {
  return std::to_string(layout.width) + "x" + std::to_string(layout.height) + " " + pixelFormatName(layout.format) +
         " with row stride " + std::to_string(layout.row_stride);
}

// A GpuFrame's layout is checked against its buffer or image when recorded.
void checkGpuFrameSize(int width, int height) {
  if (width <= 0 || height <= 0)
    throw Error("Estimator: frame " + std::to_string(width) + "x" + std::to_string(height) + " is empty");
  checkFrameSide(width, height);
}

// One queue per frame slot at most: each further queue only adds device
// creation time (ContextOptions::frame_queues).
std::unique_ptr<Context> makeContext(const EstimatorOptions& options) {
  if (options.external_device) return Context::adopt(*options.external_device, options.context);
  ContextOptions context = options.context;
  if (!context.frame_queues)
    context.frame_queues = uint32_t(std::clamp(options.frames_in_flight, 1, int(kMaxFrameQueues)));
  return Context::create(context);
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
  Precision precision = Precision::FP32;  // options.precision, or the device's preferred one
  EstimatorCreationTimes creation_times;
  std::unique_ptr<Context> ctx;
  Model model;
  int input_size = 0;
  std::unique_ptr<ParallelCopy> copy;             // outlives the slots that use it; one thread: no workers
  std::vector<std::unique_ptr<HostImport>> imports;  // registerHostMemory; outlive the slots that read them
  std::vector<std::unique_ptr<FrameSlot>> slots;  // destroyed before the context
  Ticket next_ticket = 1;
  std::optional<GpuTiming> last_timing;

  bool broken = false;  // a failed re-plan could not be undone
  HostFrameCounts host_frames;

  // The frame acquireFrame handed out, and the slot it reserved: no other
  // submit can take that slot first, since any submit ends the acquisition.
  struct Acquired {
    FrameSlot* slot = nullptr;
    const uint8_t* pixels = nullptr;
    FrameLayout layout;
  };
  std::optional<Acquired> acquired;

  std::optional<Acquired> endAcquisition() { return std::exchange(acquired, std::nullopt); }

  // Staging now or before (a replaced staging buffer's bytes stay mapped but
  // are stale or reused), or any other memory vkpose mapped.
  bool pointsIntoVkposeMemory(const void* begin, uint64_t bytes) const {
    return ctx->allocator().mapsAddress(begin, bytes);
  }

  // The slot whose staging already holds `frame` (written in place), or null
  // for a frame to copy. Copying from a staging buffer is refused: the slot
  // may be in flight, re-filled or freed, so the bytes would be stale.
  FrameSlot* inPlaceSlot(const Frame& frame, const std::optional<Acquired>& ended) const {
    if (ended && frame.pixels == ended->pixels) {
      if (!sameLayout(frame.layout, ended->layout))
        throw Error("Estimator::submit: the frame is the acquired one but its layout " + layoutText(frame.layout) +
                    " is not the " + layoutText(ended->layout) +
                    " it was acquired for; acquire it for the layout you submit");
      return ended->slot;
    }
    if (pointsIntoVkposeMemory(frame.pixels, frame.layout.spannedBytes()))
      throw Error(
          "Estimator::submit: the frame's pixels point into vkpose's staging memory but are not the frame acquired now; an acquired frame is valid only until the next submit, estimate, acquireFrame, setInputSize or forgetGpuFrame: acquire another");
    return nullptr;
  }

  // A frame inside registered host memory, as the GPU reads it there; nullopt
  // for a frame to copy (outside every range, or at an offset a descriptor
  // cannot start at).
  std::optional<GpuFrame> importedFrame(const Frame& frame) const {
    uint64_t alignment = std::max<uint64_t>(1, ctx->caps().min_storage_buffer_offset_alignment);
    for (const auto& import : imports) {
      if (!import->contains(frame.pixels, frame.layout.spannedBytes())) continue;
      uint64_t offset = import->offsetOf(frame.pixels), bytes = frame.layout.requiredBytes();
      if (offset % alignment != 0 || offset + bytes > import->bufferBytes()) return std::nullopt;
      return GpuFrame::fromBuffer(import->buffer(), offset, bytes, frame.layout);
    }
    return std::nullopt;
  }

  void checkRegistrable(const void* begin, uint64_t bytes) const {
    if (!begin) throw Error("Estimator::registerHostMemory: the range starts at a null pointer");
    if (bytes == 0) throw Error("Estimator::registerHostMemory: the range is empty (0 bytes)");
    if (reinterpret_cast<uintptr_t>(begin) + bytes < reinterpret_cast<uintptr_t>(begin))
      throw Error("Estimator::registerHostMemory: the range of " + std::to_string(bytes) +
                  " bytes runs past the end of the address space");
    for (const auto& import : imports)
      if (overlaps(begin, bytes, import->begin(), import->bytes()))
        throw Error("Estimator::registerHostMemory: the range overlaps one registered already (" +
                    std::to_string(import->bytes()) + " bytes); unregister that first");
    if (pointsIntoVkposeMemory(begin, bytes))
      throw Error("Estimator::registerHostMemory: the range overlaps vkpose's own staging memory");
  }

  void replan(int size) {
    for (size_t i = 0; i < slots.size(); ++i)
      slots[i]->setInputSize(size, i == 0 ? nullptr : &slots.front()->executor());
    input_size = size;
    broken = false;
  }

  void checkUsable() const {
    if (broken)
      throw Error("Estimator: unusable after a failed setInputSize that could not be undone; call setInputSize again");
  }

  FrameSlot* freeSlot() {
    checkUsable();
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

namespace {

void checkHostOptions(const EstimatorOptions& options) {
  if (options.fence_spin_us && (*options.fence_spin_us < 0 || *options.fence_spin_us > kMaxFenceSpinUs))
    throw Error("Estimator: fence_spin_us " + std::to_string(*options.fence_spin_us) + " is outside 0.." +
                std::to_string(kMaxFenceSpinUs));
  if (options.copy_threads < 1 || options.copy_threads > kMaxCopyThreads)
    throw Error("Estimator: copy_threads " + std::to_string(options.copy_threads) + " is outside 1.." +
                std::to_string(kMaxCopyThreads));
}

std::chrono::microseconds fenceSpin(const EstimatorOptions& options, const Capabilities& caps) {
  if (options.fence_spin_us) return std::chrono::microseconds(*options.fence_spin_us);
  return std::chrono::microseconds(caps.device_type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 0 : 2000);
}

Precision choosePrecision(const EstimatorOptions& options, const Context& ctx) {
  if (!options.precision) return preferredPrecision(ctx.caps());
  if (!deviceSupports(ctx, *options.precision))
    throw Error(std::string("Estimator: device ") + ctx.caps().device_name + " does not support precision " +
                precisionSuffix(*options.precision));
  return *options.precision;
}

}  // namespace

Precision preferredPrecision(const Capabilities& caps) {
  bool gpu = caps.device_type != VK_PHYSICAL_DEVICE_TYPE_CPU;
  return gpu && caps.storage_16bit ? Precision::FP16Storage : Precision::FP32;
}

Estimator::Estimator(const EstimatorOptions& options) : impl_(std::make_unique<Impl>()) {
  checkOptions(options);
  impl_->options = options;
  EstimatorCreationTimes& times = impl_->creation_times;
  timed(times.model, [&] { impl_->model = loadModel(options.model_path); });
  checkInputSize(options.input_size, impl_->model);
  if (options.input_size_policy == InputSizePolicy::FromFrame)
    checkInputSize(options.max_auto_input_size, impl_->model);
  checkModelOutputs(impl_->model, options.model_path);
  checkHostOptions(options);
  impl_->copy = std::make_unique<ParallelCopy>(options.copy_threads);
  timed(times.context, [&] { impl_->ctx = makeContext(options); });
  impl_->precision = choosePrecision(options, *impl_->ctx);
  SlotConfig config{impl_->precision,
                    options.resize,
                    options.roi,
                    PixelNormalisation::fromMetadata(impl_->model.metadata),
                    impl_->model.metadata.output_stride,
                    options.gpu_timing,
                    fenceSpin(options, impl_->ctx->caps()),
                    impl_->copy.get(),
                    firstConvFused(options.fuse_first_conv, impl_->ctx->caps())};
  // Slots share the first one's weights and pipelines; each has its own activations.
  for (int i = 0; i < options.frames_in_flight; ++i) {
    const Executor* ops_from = i == 0 ? nullptr : &impl_->slots.front()->executor();
    // Frames in flight on different queues overlap: one frame's barriers no
    // longer idle the GPU.
    VkQueue queue = impl_->ctx->frameQueue(size_t(i));
    timed(i == 0 ? times.first_slot : times.other_slots, [&] {
      impl_->slots.push_back(
          std::make_unique<FrameSlot>(*impl_->ctx, impl_->model, options.input_size, config, queue, ops_from));
    });
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
  std::optional<Impl::Acquired> ended = impl_->endAcquisition();
  checkFrame(frame);
  FrameSlot* in_place = impl_->inPlaceSlot(frame, ended);
  adaptInputSize(frame.layout.width, frame.layout.height);
  if (in_place) {
    impl_->checkUsable();
    in_place->submitStaged(frame.layout, impl_->next_ticket);
    ++impl_->host_frames.in_place;
    return impl_->next_ticket++;
  }
  FrameSlot* slot = impl_->freeSlot();
  if (!slot) return std::nullopt;
  if (std::optional<GpuFrame> imported = impl_->importedFrame(frame)) {
    slot->submitImported(*imported, impl_->next_ticket);
    ++impl_->host_frames.imported;
  } else {
    slot->submit(frame, impl_->next_ticket);
    ++impl_->host_frames.copied;
  }
  return impl_->next_ticket++;
}

std::optional<AcquiredFrame> Estimator::acquireFrame(const FrameLayout& layout) {
  impl_->endAcquisition();
  checkLayout(layout);
  adaptInputSize(layout.width, layout.height);  // as submit will: it replays the recordings made now
  FrameSlot* slot = impl_->freeSlot();
  if (!slot) return std::nullopt;
  uint8_t* pixels = slot->stagingFor(layout);
  impl_->acquired = Impl::Acquired{slot, pixels, layout};
  return AcquiredFrame{pixels, layout, layout.requiredBytes()};
}

HostFrameCounts Estimator::hostFrameCounts() const { return impl_->host_frames; }

bool Estimator::registerHostMemory(const void* begin, uint64_t bytes, std::string* why) {
  impl_->checkRegistrable(begin, bytes);
  std::string reason;
  std::unique_ptr<HostImport> imported = HostImport::create(*impl_->ctx, begin, bytes, reason);
  if (!imported) {
    if (why) *why = reason;
    return false;
  }
  impl_->imports.push_back(std::move(imported));
  return true;
}

void Estimator::unregisterHostMemory(const void* begin) {
  auto& imports = impl_->imports;
  auto it = std::find_if(imports.begin(), imports.end(), [&](const auto& i) { return i->begin() == begin; });
  if (it == imports.end())
    throw Error("Estimator::unregisterHostMemory: no registered range starts at that pointer");
  for (auto& slot : impl_->slots) slot->forgetFrameSource(uint64_t((*it)->buffer()));
  imports.erase(it);
}

Pose Estimator::estimate(const GpuFrame& frame) {
  std::optional<Ticket> ticket = submit(frame);
  if (!ticket)
    throw Error("Estimator::estimate: every frame slot holds an uncollected ticket; poll or wait for them first");
  return wait(*ticket);
}

std::optional<Ticket> Estimator::submit(const GpuFrame& frame) {
  impl_->endAcquisition();
  checkGpuFrameSize(frame.layout.width, frame.layout.height);
  adaptInputSize(frame.layout.width, frame.layout.height);
  FrameSlot* slot = impl_->freeSlot();
  if (!slot) return std::nullopt;
  slot->submit(frame, impl_->next_ticket);
  return impl_->next_ticket++;
}

void Estimator::forgetGpuFrame(const GpuFrame& frame) {
  impl_->endAcquisition();
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
  impl_->endAcquisition();
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

Precision Estimator::precision() const { return impl_->precision; }

const EstimatorCreationTimes& Estimator::creationTimes() const { return impl_->creation_times; }

}  // namespace vkpose
