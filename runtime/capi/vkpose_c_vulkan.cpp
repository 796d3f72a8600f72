// The C API's Vulkan interop (vkpose_vulkan.h) over Estimator's
// ExternalDevice and GpuFrame.
#include "engine/vulkan_api.h"

#include "runtime/capi/c_guard.h"
#include "runtime/capi/vkpose_vulkan.h"

namespace vkpose::capi {
namespace {

ExternalDevice toExternal(const vkpose_vulkan_device& d) {
  ExternalDevice e;
  e.instance = d.instance;
  e.physical_device = d.physical_device;
  e.device = d.device;
  e.queue_family = d.queue_family;
  e.queue = d.queue;
  e.enabled_features = d.enabled_features;
  for (uint32_t i = 0; d.enabled_extensions && i < d.enabled_extension_count; ++i)
    if (d.enabled_extensions[i]) e.enabled_extensions.emplace_back(d.enabled_extensions[i]);
  return e;
}

bool toKind(int kind, GpuFrame::Kind& out) {
  switch (kind) {
    case VKPOSE_GPU_FRAME_BUFFER: out = GpuFrame::Kind::Buffer; return true;
    case VKPOSE_GPU_FRAME_SAMPLED_IMAGE: out = GpuFrame::Kind::SampledImage; return true;
    case VKPOSE_GPU_FRAME_STORAGE_IMAGE: out = GpuFrame::Kind::StorageImage; return true;
    default: return false;
  }
}

// Argument errors here; the Estimator checks handles, formats and sizes.
vkpose_status toGpuFrame(const vkpose_gpu_frame& f, GpuFrame& frame) {
  if (!toKind(rawValue(f.kind), frame.kind))
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "unknown GPU frame kind " + std::to_string(rawValue(f.kind)));
  PixelFormat format = PixelFormat::RGBA8;
  if (frame.kind == GpuFrame::Kind::Buffer && !toFormat(rawValue(f.format), format))
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "unknown pixel format " + std::to_string(rawValue(f.format)));
  if (f.row_stride < 0) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "row_stride must not be negative");
  frame.layout = FrameLayout::packed(f.width, f.height, format);
  if (f.row_stride > 0) frame.layout.row_stride = uint32_t(f.row_stride);
  frame.buffer = f.buffer;
  frame.offset = f.offset;
  frame.range = f.range;
  frame.image = f.image;
  frame.image_format = f.image_format;
  frame.image_layout = f.image_layout;
  frame.wait_semaphore = f.wait_semaphore;
  if (f.wait_stage) frame.wait_stage = f.wait_stage;
  frame.signal_semaphore = f.signal_semaphore;
  return VKPOSE_OK;
}

}  // namespace
}  // namespace vkpose::capi

using namespace vkpose::capi;

extern "C" {

vkpose_status vkpose_create_on_device(const vkpose_options* options, const vkpose_vulkan_device* device,
                                      vkpose_estimator** out) {
  if (!options || !device || !out)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_create_on_device: options, device and out must not be NULL");
  *out = nullptr;
  if (!options->model_path) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_create_on_device: model_path is NULL");
  return guarded([&] {
    vkpose::EstimatorOptions o = toOptions(*options);
    o.external_device = toExternal(*device);
    *out = new vkpose_estimator{vkpose::Estimator(o)};
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_estimate_gpu_frame(vkpose_estimator* estimator, const vkpose_gpu_frame* frame,
                                        vkpose_pose* out) {
  if (!estimator || !frame || !out)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_estimate_gpu_frame: estimator, frame and out must not be NULL");
  vkpose::GpuFrame gpu_frame;
  if (vkpose_status s = toGpuFrame(*frame, gpu_frame); s != VKPOSE_OK) return s;
  return guarded([&] {
    toC(estimator->estimator.estimate(gpu_frame), out);
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_submit_gpu_frame(vkpose_estimator* estimator, const vkpose_gpu_frame* frame, uint64_t* ticket) {
  if (!estimator || !frame || !ticket)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_submit_gpu_frame: estimator, frame and ticket must not be NULL");
  vkpose::GpuFrame gpu_frame;
  if (vkpose_status s = toGpuFrame(*frame, gpu_frame); s != VKPOSE_OK) return s;
  return guarded([&] {
    std::optional<vkpose::Ticket> t = estimator->estimator.submit(gpu_frame);
    if (!t) return fail(VKPOSE_BUSY, "every frame slot is in flight; poll or wait first");
    *ticket = *t;
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_forget_gpu_frame(vkpose_estimator* estimator, const vkpose_gpu_frame* frame) {
  if (!estimator || !frame)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_forget_gpu_frame: estimator and frame must not be NULL");
  vkpose::GpuFrame gpu_frame;
  if (vkpose_status s = toGpuFrame(*frame, gpu_frame); s != VKPOSE_OK) return s;
  return guarded([&] {
    estimator->estimator.forgetGpuFrame(gpu_frame);
    return VKPOSE_OK;
  });
}

}  // extern "C"
