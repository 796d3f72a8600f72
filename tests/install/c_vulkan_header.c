/* <vkpose/vkpose_vulkan.h> from C, as an engine would include it. */
#include <vulkan/vulkan.h>

#include <vkpose/vkpose_vulkan.h>

#include <stdio.h>

int main(void) {
  vkpose_gpu_frame frame = {0};
  vkpose_vulkan_device device = {0};
  frame.kind = VKPOSE_GPU_FRAME_SAMPLED_IMAGE;
  frame.image_format = VK_FORMAT_R8G8B8A8_UNORM;
  /* A NULL estimator is refused with a status, never a crash. */
  int refused = vkpose_estimate_gpu_frame(NULL, &frame, NULL) == VKPOSE_ERROR_INVALID_ARGUMENT &&
                vkpose_create_on_device(NULL, &device, NULL) == VKPOSE_ERROR_INVALID_ARGUMENT;
  printf("vkpose_vulkan.h from C: NULL arguments %s\n", refused ? "refused" : "NOT refused");
  return refused ? 0 : 1;
}
