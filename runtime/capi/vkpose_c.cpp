// The C API over vkpose::Estimator. Every entry point catches everything:
// no exception crosses into C.
#include "runtime/capi/vkpose.h"
#include "runtime/capi/c_guard.h"

#include <cstring>
#include <new>
#include <string>

#include "engine/error.h"
#include "runtime/estimator.h"


namespace vkpose::capi {

thread_local std::string g_error;

vkpose_status fail(vkpose_status status, std::string message) {
  g_error = std::move(message);
  return status;
}

vkpose_status failFromException() {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return fail(VKPOSE_ERROR_OUT_OF_MEMORY, "out of host memory");
  } catch (const std::exception& e) {
    return fail(VKPOSE_ERROR_RUNTIME, e.what());
  } catch (...) {
    return fail(VKPOSE_ERROR_RUNTIME, "unknown error");
  }
}

bool toFormat(int format, vkpose::PixelFormat& out) {
  switch (format) {
    case VKPOSE_PIXEL_RGBA8: out = vkpose::PixelFormat::RGBA8; return true;
    case VKPOSE_PIXEL_RGB8: out = vkpose::PixelFormat::RGB8; return true;
    case VKPOSE_PIXEL_BGRA8: out = vkpose::PixelFormat::BGRA8; return true;
    default: return false;
  }
}

// `format`: the raw value of the caller's vkpose_pixel_format (rawValue).
vkpose_status makeFrame(const void* pixels, int width, int height, int row_stride, int format, vkpose::Frame& frame) {
  vkpose::PixelFormat pixel_format;
  if (!toFormat(format, pixel_format))
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "unknown pixel format " + std::to_string(format));
  if (row_stride < 0) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "row_stride must not be negative");
  frame = vkpose::Frame::packed(pixels, width, height, pixel_format);
  if (row_stride > 0) frame.layout.row_stride = uint32_t(row_stride);
  return VKPOSE_OK;
}

void toC(const vkpose::Pose& pose, vkpose_pose* out) {
  for (int i = 0; i < VKPOSE_KEYPOINT_COUNT; ++i)
    out->keypoints[i] = {pose.keypoints[size_t(i)].x, pose.keypoints[size_t(i)].y, pose.keypoints[size_t(i)].score};
  out->score = pose.score;
}

vkpose::EstimatorOptions toOptions(const vkpose_options& options) {
  vkpose::EstimatorOptions o;
  o.model_path = options.model_path;
  o.input_size = options.input_size;
  o.frames_in_flight = options.frames_in_flight;
  if (options.fp16 == 0) o.precision = vkpose::Precision::FP32;
  if (options.fp16 == 1) o.precision = vkpose::Precision::FP16Storage;  // -1: the device's own
  if (options.input_size_from_frame) o.input_size_policy = vkpose::InputSizePolicy::FromFrame;
  o.max_auto_input_size = options.max_auto_input_size;
  if (options.fence_spin_us != -1) o.fence_spin_us = options.fence_spin_us;  // -1: the device's default
  o.copy_threads = options.copy_threads;
  return o;
}

}  // namespace vkpose::capi

using namespace vkpose::capi;

extern "C" {

void vkpose_options_init(vkpose_options* options) {
  if (!options) return;
  options->model_path = nullptr;
  options->input_size = 257;
  options->fp16 = -1;
  options->frames_in_flight = 2;
  options->input_size_from_frame = 0;
  options->max_auto_input_size = 513;
  options->fence_spin_us = -1;
  options->copy_threads = 1;
}

vkpose_status vkpose_create(const vkpose_options* options, vkpose_estimator** out) {
  if (!options || !out) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_create: options and out must not be NULL");
  *out = nullptr;
  if (!options->model_path) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_create: model_path is NULL");
  if (options->fp16 < -1 || options->fp16 > 1)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_create: fp16 " + std::to_string(options->fp16) +
                                                   " is not -1 (the device's own), 0 (fp32) or 1 (fp16 storage)");
  if (options->fence_spin_us != -1 && (options->fence_spin_us < 0 || options->fence_spin_us > vkpose::kMaxFenceSpinUs))
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_create: fence_spin_us " + std::to_string(options->fence_spin_us) +
                                                   " is neither -1 (the device's default) nor within 0.." +
                                                   std::to_string(vkpose::kMaxFenceSpinUs));
  if (options->copy_threads < 1 || options->copy_threads > vkpose::kMaxCopyThreads)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_create: copy_threads " + std::to_string(options->copy_threads) +
                                                   " is outside 1.." + std::to_string(vkpose::kMaxCopyThreads));
  return guarded([&] {
    *out = new vkpose_estimator{vkpose::Estimator(toOptions(*options))};
    return VKPOSE_OK;
  });
}

void vkpose_destroy(vkpose_estimator* estimator) {
  try {
    delete estimator;
  } catch (...) {
    // A destructor that throws has nowhere to report to; the handle is gone either way.
  }
}

vkpose_status vkpose_estimate(vkpose_estimator* estimator, const void* pixels, int width, int height, int row_stride,
                              vkpose_pixel_format format, vkpose_pose* out) {
  if (!estimator || !out) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_estimate: estimator and out must not be NULL");
  vkpose::Frame frame;
  if (vkpose_status s = makeFrame(pixels, width, height, row_stride, rawValue(format), frame); s != VKPOSE_OK) return s;
  return guarded([&] {
    toC(estimator->estimator.estimate(frame), out);
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_submit(vkpose_estimator* estimator, const void* pixels, int width, int height, int row_stride,
                            vkpose_pixel_format format, uint64_t* ticket) {
  if (!estimator || !ticket) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_submit: estimator and ticket must not be NULL");
  vkpose::Frame frame;
  if (vkpose_status s = makeFrame(pixels, width, height, row_stride, rawValue(format), frame); s != VKPOSE_OK) return s;
  return guarded([&] {
    std::optional<vkpose::Ticket> t = estimator->estimator.submit(frame);
    if (!t) return fail(VKPOSE_BUSY, "every frame slot is in flight; poll or wait first");
    *ticket = *t;
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_acquire_frame(vkpose_estimator* estimator, int width, int height, int row_stride,
                                   vkpose_pixel_format format, void** pixels) {
  if (!estimator || !pixels)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_acquire_frame: estimator and pixels must not be NULL");
  *pixels = nullptr;
  vkpose::Frame frame;  // only its layout: the pixels are what this call returns
  if (vkpose_status s = makeFrame(nullptr, width, height, row_stride, rawValue(format), frame); s != VKPOSE_OK)
    return s;
  return guarded([&] {
    std::optional<vkpose::AcquiredFrame> acquired = estimator->estimator.acquireFrame(frame.layout);
    if (!acquired) return fail(VKPOSE_BUSY, "every frame slot is in flight; poll or wait first");
    *pixels = acquired->pixels;
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_register_host_memory(vkpose_estimator* estimator, const void* base, uint64_t bytes,
                                          int* imported) {
  if (!estimator || !imported)
    return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_register_host_memory: estimator and imported must not be NULL");
  *imported = 0;
  if (!base) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_register_host_memory: base is NULL");
  if (bytes == 0) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_register_host_memory: the range is 0 bytes");
  return guarded([&] {
    std::string why;
    *imported = estimator->estimator.registerHostMemory(base, bytes, &why) ? 1 : 0;
    return fail(VKPOSE_OK, why);  // the reason stays readable though the call succeeded
  });
}

vkpose_status vkpose_unregister_host_memory(vkpose_estimator* estimator, const void* base) {
  if (!estimator) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_unregister_host_memory: estimator is NULL");
  return guarded([&] {
    estimator->estimator.unregisterHostMemory(base);
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_poll(vkpose_estimator* estimator, uint64_t ticket, vkpose_pose* out) {
  if (!estimator || !out) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_poll: estimator and out must not be NULL");
  return guarded([&] {
    std::optional<vkpose::Pose> pose = estimator->estimator.poll(ticket);
    if (!pose) return VKPOSE_NOT_READY;
    toC(*pose, out);
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_wait(vkpose_estimator* estimator, uint64_t ticket, vkpose_pose* out) {
  if (!estimator || !out) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_wait: estimator and out must not be NULL");
  return guarded([&] {
    toC(estimator->estimator.wait(ticket), out);
    return VKPOSE_OK;
  });
}

vkpose_status vkpose_set_input_size(vkpose_estimator* estimator, int input_size) {
  if (!estimator) return fail(VKPOSE_ERROR_INVALID_ARGUMENT, "vkpose_set_input_size: estimator is NULL");
  return guarded([&] {
    estimator->estimator.setInputSize(input_size);
    return VKPOSE_OK;
  });
}

const char* vkpose_error_message(void) { return g_error.c_str(); }

const char* vkpose_keypoint_name(int index) {
  if (index < 0 || index >= VKPOSE_KEYPOINT_COUNT) return nullptr;
  return vkpose::kKeypointNames[size_t(index)].data();
}

}  // extern "C"
