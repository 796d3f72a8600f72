#include "runtime/frame_input.h"

#include <string>

#include "engine/error.h"
#include "engine/memory.h"

namespace vkpose {

namespace {

bool sameLayout(const FrameLayout& a, const FrameLayout& b) {
  return a.width == b.width && a.height == b.height && a.row_stride == b.row_stride && a.format == b.format;
}

std::string formatName(VkFormat format) {
  switch (format) {
    case VK_FORMAT_R8G8B8A8_UNORM: return "VK_FORMAT_R8G8B8A8_UNORM";
    case VK_FORMAT_B8G8R8A8_UNORM: return "VK_FORMAT_B8G8R8A8_UNORM";
    case VK_FORMAT_R8G8B8A8_SRGB: return "VK_FORMAT_R8G8B8A8_SRGB";
    case VK_FORMAT_B8G8R8A8_SRGB: return "VK_FORMAT_B8G8R8A8_SRGB";
    default: return "VkFormat " + std::to_string(int(format));
  }
}

void checkImageFormat(const GpuFrame& frame) {
  VkFormat f = frame.image_format;
  if (f == VK_FORMAT_R8G8B8A8_SRGB || f == VK_FORMAT_B8G8R8A8_SRGB)
    throw Error("GpuFrame: " + formatName(f) +
                " is refused: sRGB texels are linearised on read; pass a UNORM format (create the image with "
                "VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT to view it as UNORM)");
  bool sampled = frame.kind == GpuFrame::Kind::SampledImage;
  if (f == VK_FORMAT_R8G8B8A8_UNORM || (sampled && f == VK_FORMAT_B8G8R8A8_UNORM)) return;
  throw Error("GpuFrame: " + formatName(f) + " is not supported for a " + (sampled ? "sampled" : "storage") +
              " image (supported: VK_FORMAT_R8G8B8A8_UNORM" + (sampled ? ", VK_FORMAT_B8G8R8A8_UNORM)" : ")"));
}

void checkImageLayout(const GpuFrame& frame) {
  VkImageLayout l = frame.image_layout;
  if (l == VK_IMAGE_LAYOUT_GENERAL) return;
  if (frame.kind == GpuFrame::Kind::SampledImage && l == VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL) return;
  throw Error("GpuFrame: image layout " + std::to_string(int(l)) + " cannot be read by the preprocessing shader (use " +
              (frame.kind == GpuFrame::Kind::SampledImage ? "SHADER_READ_ONLY_OPTIMAL or GENERAL)" : "GENERAL)"));
}

FrameSourceKey imageKey(const GpuFrame& frame) {
  if (!frame.image) throw Error("GpuFrame: image is VK_NULL_HANDLE");
  checkImageFormat(frame);
  checkImageLayout(frame);
  FrameSourceKey key;
  key.kind = frame.kind == GpuFrame::Kind::SampledImage ? FrameSourceKey::Kind::SampledImage
                                                        : FrameSourceKey::Kind::StorageImage;
  key.handle = uint64_t(frame.image);
  key.layout = FrameLayout::packed(frame.layout.width, frame.layout.height, PixelFormat::RGBA8);
  key.image_format = frame.image_format;
  key.image_layout = frame.image_layout;
  return key;
}

}  // namespace

bool FrameSourceKey::operator==(const FrameSourceKey& o) const {
  return kind == o.kind && handle == o.handle && offset == o.offset && range == o.range &&
         sameLayout(layout, o.layout) && image_format == o.image_format && image_layout == o.image_layout;
}

FrameSourceKey stagingKey(const Buffer& staging, const FrameLayout& layout) {
  FrameSourceKey key;
  key.handle = uint64_t(staging.handle());
  key.range = staging.size();
  key.layout = layout;
  return key;
}

FrameSourceKey gpuFrameKey(const GpuFrame& frame) {
  switch (frame.kind) {
    case GpuFrame::Kind::Buffer: {
      if (!frame.buffer) throw Error("GpuFrame: buffer is VK_NULL_HANDLE");
      FrameSourceKey key;
      key.kind = FrameSourceKey::Kind::Buffer;
      key.handle = uint64_t(frame.buffer);
      key.offset = frame.offset;
      key.range = frame.range;
      key.layout = frame.layout;
      return key;
    }
    case GpuFrame::Kind::SampledImage:
    case GpuFrame::Kind::StorageImage: return imageKey(frame);
  }
  throw Error("GpuFrame: unknown kind " + std::to_string(int(frame.kind)));
}

struct FrameInputRecordings::Entry {
  Entry(Context& ctx, const FrameSourceKey& k) : key(k), recorder(ctx), descriptors(ctx, 1), device(ctx.device()) {}
  ~Entry() { vkDestroyImageView(device, view, nullptr); }
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  FrameSourceKey key;
  CommandRecorder recorder;
  DescriptorArena descriptors;
  VkDevice device;
  VkImageView view = VK_NULL_HANDLE;  // image sources only
};

FrameInputRecordings::FrameInputRecordings(Context& ctx, PreprocessOp& preprocess, size_t capacity)
    : ctx_(ctx), preprocess_(preprocess), capacity_(capacity) {}

FrameInputRecordings::~FrameInputRecordings() {
  entries_.clear();
  vkDestroySampler(ctx_.device(), sampler_, nullptr);
}

void FrameInputRecordings::clear() { entries_.clear(); }

void FrameInputRecordings::forget(uint64_t handle) {
  entries_.remove_if([&](const std::unique_ptr<Entry>& entry) {
    return entry->key.kind != FrameSourceKey::Kind::HostStaging && entry->key.handle == handle;
  });
}

VkCommandBuffer FrameInputRecordings::get(const FrameSourceKey& key, const Buffer& staging,
                                          const FrameInputTarget& target) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (!((*it)->key == key)) continue;
    entries_.splice(entries_.begin(), entries_, it);
    return entries_.front()->recorder.handle();
  }
  std::unique_ptr<Entry> entry = record(key, staging, target);  // throws before anything is evicted
  if (entries_.size() >= capacity_) entries_.pop_back();
  entries_.push_front(std::move(entry));
  return entries_.front()->recorder.handle();
}

std::unique_ptr<FrameInputRecordings::Entry> FrameInputRecordings::record(const FrameSourceKey& key,
                                                                          const Buffer& staging,
                                                                          const FrameInputTarget& target) {
  auto entry = std::make_unique<Entry>(ctx_, key);
  if (key.kind == FrameSourceKey::Kind::SampledImage || key.kind == FrameSourceKey::Kind::StorageImage)
    entry->view = createView(key);
  entry->recorder.begin();
  if (target.timing) {
    target.timing->resetQueries(entry->recorder.handle());
    target.timing->mark(entry->recorder.handle(), 0, "start");
  }
  // A host frame was written by the host before submit; a GpuFrame by any
  // earlier command on the queue (the host engine's rendering or upload).
  entry->recorder.barrier(Stage::AnyCommand, Stage::Compute,
                          "earlier work on the queue wrote the frame, and this slot's previous network replay used "
                          "the tensor that preprocessing overwrites");
  recordPreprocess(*entry, staging, target);
  std::string step = target.first_conv ? "preprocess+" + std::string(target.first_conv_name) : "preprocess";
  if (target.timing) target.timing->mark(entry->recorder.handle(), 1, step);
  entry->recorder.barrier(Stage::Compute, Stage::Compute,
                          step + " writes what the network reads first, and the network's previous replay read it");
  entry->recorder.end();
  return entry;
}

void FrameInputRecordings::recordPreprocess(Entry& entry, const Buffer& staging, const FrameInputTarget& target) {
  const FrameSourceKey& key = entry.key;
  const TensorView& input = *target.input;
  int model_size = int(input.shape.h);
  SamplingGrid grid = samplingGrid(target.resize, key.layout.width, key.layout.height, model_size, target.roi);
  switch (key.kind) {
    case FrameSourceKey::Kind::HostStaging:
      preprocess_.record(entry.recorder, entry.descriptors, staging, key.layout, grid, input, target.first_conv);
      return;
    case FrameSourceKey::Kind::Buffer:
      preprocess_.record(entry.recorder, entry.descriptors, BufferBinding{VkBuffer(key.handle), key.offset, key.range},
                         key.layout, grid, input, target.first_conv);
      return;
    case FrameSourceKey::Kind::SampledImage:
    case FrameSourceKey::Kind::StorageImage: {
      bool sampled = key.kind == FrameSourceKey::Kind::SampledImage;
      FrameImage image{sampled ? FrameImage::Access::Sampled : FrameImage::Access::Storage,
                       {entry.view, key.image_layout, sampled ? sampler() : VK_NULL_HANDLE},
                       key.layout.width,
                       key.layout.height};
      preprocess_.record(entry.recorder, entry.descriptors, image, grid, input, target.first_conv);
      return;
    }
  }
}

VkImageView FrameInputRecordings::createView(const FrameSourceKey& key) const {
  VkImageViewCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  info.image = VkImage(key.handle);
  info.viewType = VK_IMAGE_VIEW_TYPE_2D;
  info.format = key.image_format;
  info.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  VkImageView view = VK_NULL_HANDLE;
  VKPOSE_VK(vkCreateImageView(ctx_.device(), &info, nullptr, &view));
  return view;
}

// texelFetch ignores filtering, but a combined image sampler needs a sampler.
VkSampler FrameInputRecordings::sampler() {
  if (sampler_) return sampler_;
  VkSamplerCreateInfo info{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  info.magFilter = info.minFilter = VK_FILTER_NEAREST;
  info.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  info.addressModeU = info.addressModeV = info.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  VKPOSE_VK(vkCreateSampler(ctx_.device(), &info, nullptr, &sampler_));
  return sampler_;
}

}  // namespace vkpose
