/* vkpose C API for engines that own a Vulkan device (docs/embedding.md):
 * run the estimator on the host's instance, device and queue, and hand it
 * frames that are already on the GPU (a VkBuffer, or a sampled or storage
 * VkImage), read in place with no copy. Include <vulkan/vulkan.h> (or
 * vulkan_core.h) first, with or without VK_NO_PROTOTYPES.
 *
 * vkpose calls Vulkan through the loader it opens itself (libvulkan.so.1, or
 * VKPOSE_VULKAN_LIBRARY), so the handles must come from that same loader.
 * It submits to the given queue from the thread that calls it: the host must
 * not use that queue from another thread at the same time.
 */
#ifndef VKPOSE_VULKAN_H
#define VKPOSE_VULKAN_H

#include "vkpose.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vkpose_vulkan_device {
  VkInstance instance;
  VkPhysicalDevice physical_device;
  VkDevice device;
  uint32_t queue_family; /* must support compute */
  VkQueue queue;
  /* What the host passed to vkCreateDevice (its pNext chain is read for
   * 16-bit storage and fp16); NULL means no optional features: fp32 only. */
  const VkPhysicalDeviceFeatures2* enabled_features;
  const char* const* enabled_extensions;
  uint32_t enabled_extension_count;
} vkpose_vulkan_device;

/* Like vkpose_create, on the host's device. The handles must outlive the
 * estimator; vkpose_destroy never destroys them. */
vkpose_status vkpose_create_on_device(const vkpose_options* options, const vkpose_vulkan_device* device,
                                      vkpose_estimator** out);

typedef enum vkpose_gpu_frame_kind {
  VKPOSE_GPU_FRAME_BUFFER = 0,        /* VK_BUFFER_USAGE_STORAGE_BUFFER_BIT */
  VKPOSE_GPU_FRAME_SAMPLED_IMAGE = 1, /* VK_IMAGE_USAGE_SAMPLED_BIT; R8G8B8A8 or B8G8R8A8 UNORM */
  VKPOSE_GPU_FRAME_STORAGE_IMAGE = 2  /* VK_IMAGE_USAGE_STORAGE_BIT; R8G8B8A8_UNORM */
} vkpose_gpu_frame_kind;

/* Zero it, then fill in what the kind needs. Synchronisation: vkpose's first
 * command waits for all earlier writes on the queue; other queues signal
 * wait_semaphore. The frame must not change until its pose is collected, or
 * until signal_semaphore is signalled. */
typedef struct vkpose_gpu_frame {
  vkpose_gpu_frame_kind kind;
  int width, height;
  /* buffers: pixels at `offset` (a multiple of minStorageBufferOffsetAlignment),
   * `range` bytes of the buffer belong to the frame, rows of row_stride bytes
   * (0: packed) */
  VkBuffer buffer;
  VkDeviceSize offset, range;
  int row_stride;
  vkpose_pixel_format format;
  /* images: mip 0, layer 0, in image_layout (SHADER_READ_ONLY_OPTIMAL or
   * GENERAL for sampled images, GENERAL for storage images) */
  VkImage image;
  VkFormat image_format;
  VkImageLayout image_layout;
  VkSemaphore wait_semaphore; /* optional, binary */
  VkPipelineStageFlags wait_stage; /* 0 means VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT */
  VkSemaphore signal_semaphore; /* optional, binary */
} vkpose_gpu_frame;

vkpose_status vkpose_estimate_gpu_frame(vkpose_estimator* estimator, const vkpose_gpu_frame* frame,
                                        vkpose_pose* out);
vkpose_status vkpose_submit_gpu_frame(vkpose_estimator* estimator, const vkpose_gpu_frame* frame, uint64_t* ticket);
/* Call before destroying a buffer or image passed in a frame: vkpose keeps a
 * recording and image view per frame source, and a new object may get the
 * destroyed one's handle. Waits for the frames in flight to finish. */
vkpose_status vkpose_forget_gpu_frame(vkpose_estimator* estimator, const vkpose_gpu_frame* frame);

#ifdef __cplusplus
}
#endif

#endif /* VKPOSE_VULKAN_H */
