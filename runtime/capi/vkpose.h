/* vkpose C API: PoseNet on any Vulkan GPU, image in, 17 keypoints out.
 *
 * Every function returns a vkpose_status; on failure,
 * vkpose_error_message() gives a readable reason for the last failed call on
 * the calling thread. No function throws, exits or aborts. Handles are
 * opaque; one estimator must be used by one thread at a time.
 *
 *   vkpose_options options;
 *   vkpose_options_init(&options);
 *   options.model_path = "posenet.vkpose";
 *   vkpose_estimator* est = NULL;
 *   if (vkpose_create(&options, &est) != VKPOSE_OK) puts(vkpose_error_message());
 *   vkpose_pose pose;
 *   vkpose_estimate(est, pixels, width, height, 0, VKPOSE_PIXEL_RGBA8, &pose);
 *   vkpose_destroy(est);
 *
 * Engines with their own Vulkan device: see vkpose_vulkan.h.
 */
#ifndef VKPOSE_H
#define VKPOSE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VKPOSE_KEYPOINT_COUNT 17

typedef enum vkpose_status {
  VKPOSE_OK = 0,
  VKPOSE_NOT_READY = 1,              /* poll: the frame is still in flight */
  VKPOSE_BUSY = 2,                   /* submit: every frame slot is in flight */
  VKPOSE_ERROR_INVALID_ARGUMENT = -1,
  VKPOSE_ERROR_RUNTIME = -2,         /* model, device or Vulkan failure; see the message */
  VKPOSE_ERROR_OUT_OF_MEMORY = -3
} vkpose_status;

typedef enum vkpose_pixel_format {
  VKPOSE_PIXEL_RGBA8 = 0,
  VKPOSE_PIXEL_RGB8 = 1,
  VKPOSE_PIXEL_BGRA8 = 2
} vkpose_pixel_format;

typedef struct vkpose_keypoint {
  float x, y;  /* frame pixels */
  float score; /* 0..1 */
} vkpose_keypoint;

typedef struct vkpose_pose {
  vkpose_keypoint keypoints[VKPOSE_KEYPOINT_COUNT];
  float score; /* mean keypoint score */
} vkpose_pose;

typedef struct vkpose_options {
  const char* model_path; /* .vkpose file; required */
  int input_size;         /* default 257; (size - 1) % 16 == 0, 129..1025 */
  /* default -1: the device's own (fp16 storage on GPUs that have it, fp32 on
   * CPU devices); 0: fp32; 1: fp16 storage, refused where the device lacks it */
  int fp16;
  int frames_in_flight;   /* default 2; 1..8 */
  /* default 0; non-zero: choose the input size from each frame's size (the
   * largest valid size not above its longer side, at most
   * max_auto_input_size), re-planning when it changes */
  int input_size_from_frame;
  int max_auto_input_size; /* default 513 */
  /* default -1: the device's own (2000 on GPUs, 0 on CPU devices); else
   * 0..100000: microseconds vkpose_estimate and vkpose_wait poll the frame's
   * fence before sleeping in the driver (lower latency, one busy core) */
  int fence_spin_us;
  /* default 1; 1..8: threads copying each host frame into GPU-visible
   * memory, the caller's included (started with the estimator) */
  int copy_threads;
} vkpose_options;

typedef struct vkpose_estimator vkpose_estimator;

/* Fills every field with its default. */
void vkpose_options_init(vkpose_options* options);

vkpose_status vkpose_create(const vkpose_options* options, vkpose_estimator** out);
void vkpose_destroy(vkpose_estimator* estimator); /* NULL is allowed */

/* row_stride in bytes; 0 means tightly packed rows. */
vkpose_status vkpose_estimate(vkpose_estimator* estimator, const void* pixels, int width, int height, int row_stride,
                              vkpose_pixel_format format, vkpose_pose* out);
vkpose_status vkpose_submit(vkpose_estimator* estimator, const void* pixels, int width, int height, int row_stride,
                            vkpose_pixel_format format, uint64_t* ticket);
/* Zero-copy frames: *pixels is set to the staging memory that the next
 * vkpose_submit or vkpose_estimate reads, for a frame of width x height in
 * `format` with rows of row_stride bytes (0: tightly packed). Write (decode)
 * the frame there, then pass *pixels with the same width, height, row_stride
 * and format to vkpose_submit or vkpose_estimate: nothing is copied.
 * The memory holds stale bytes until written, and may be write-combined:
 * write it sequentially, do not read it. The pointer stays valid until the
 * next vkpose_submit, vkpose_estimate (or their _gpu_frame forms, whether
 * they succeed or not), vkpose_acquire_frame, vkpose_set_input_size,
 * vkpose_forget_gpu_frame or vkpose_destroy; vkpose_poll and vkpose_wait keep
 * it. Submitting it with another layout, or a pointer acquired earlier, is
 * refused (VKPOSE_ERROR_RUNTIME, with a message).
 * VKPOSE_BUSY when every frame slot is in flight (as vkpose_submit would be);
 * on any failure *pixels is NULL. */
vkpose_status vkpose_acquire_frame(vkpose_estimator* estimator, int width, int height, int row_stride,
                                   vkpose_pixel_format format, void** pixels);
/* Zero-copy frames in the caller's own memory: registers [base, base + bytes)
 * (a decoder's or camera's ring of frame buffers) for the GPU to read frames
 * from in place (VK_EXT_external_memory_host). *imported is 1 when the device
 * imported it: vkpose_submit and vkpose_estimate then copy nothing for a frame
 * inside the range whose start is 16-byte aligned there. *imported is 0 where
 * the device cannot import this memory; vkpose_error_message() then says why,
 * and frames there are copied as before. The range must stay allocated until
 * vkpose_unregister_host_memory or vkpose_destroy, and a frame's pixels
 * unchanged until its pose has been collected (vkpose_poll, vkpose_wait).
 * VKPOSE_ERROR_INVALID_ARGUMENT for NULL or 0 bytes; VKPOSE_ERROR_RUNTIME for
 * a range overlapping a registered one. */
vkpose_status vkpose_register_host_memory(vkpose_estimator* estimator, const void* base, uint64_t bytes,
                                          int* imported);
/* Waits for the frames in flight (their poses stay collectable), then drops
 * the registration starting at base; VKPOSE_ERROR_RUNTIME if none does. */
vkpose_status vkpose_unregister_host_memory(vkpose_estimator* estimator, const void* base);
vkpose_status vkpose_poll(vkpose_estimator* estimator, uint64_t ticket, vkpose_pose* out);
vkpose_status vkpose_wait(vkpose_estimator* estimator, uint64_t ticket, vkpose_pose* out);
vkpose_status vkpose_set_input_size(vkpose_estimator* estimator, int input_size);

/* The reason for the last failed call on this thread ("" if none), or why
 * vkpose_register_host_memory could not import its range. */
const char* vkpose_error_message(void);
/* "nose", "leftEye", ...; NULL outside 0..16. */
const char* vkpose_keypoint_name(int index);

#ifdef __cplusplus
}
#endif

#endif /* VKPOSE_H */
