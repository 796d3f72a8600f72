// Vulkan entry points, resolved at run time from the loader library rather
// than linked, so a machine without Vulkan gets vkpose's own error message,
// and a host engine embedding vkpose still starts where Vulkan is missing.
// Include this instead of <vulkan/vulkan.h>.
#pragma once

#ifndef VK_NO_PROTOTYPES
#define VK_NO_PROTOTYPES
#endif
#include <vulkan/vulkan.h>

// Core entry points the engine and its tests call. Extension entry points are
// fetched with vkGetInstanceProcAddr where they are used.
#define VKPOSE_VULKAN_FUNCTIONS(X)                                                                            \
  X(vkAllocateCommandBuffers) X(vkAllocateDescriptorSets) X(vkAllocateMemory) X(vkBeginCommandBuffer)         \
  X(vkBindBufferMemory) X(vkCmdBindDescriptorSets) X(vkCmdBindPipeline) X(vkCmdCopyBuffer) X(vkCmdDispatch)   \
  X(vkCmdFillBuffer) X(vkCmdPipelineBarrier) X(vkCmdPushConstants) X(vkCmdResetQueryPool)                     \
  X(vkCmdWriteTimestamp) X(vkCreateBuffer) X(vkCreateBufferView) X(vkCreateCommandPool) X(vkCreateComputePipelines)                 \
  X(vkCreateDescriptorPool) X(vkCreateDescriptorSetLayout) X(vkCreateDevice) X(vkCreateFence)                 \
  X(vkCreateInstance) X(vkCreatePipelineCache) X(vkCreatePipelineLayout) X(vkCreateQueryPool)                 \
  X(vkCreateShaderModule) X(vkDestroyBuffer) X(vkDestroyBufferView) X(vkDestroyCommandPool) X(vkDestroyDescriptorPool)               \
  X(vkDestroyDescriptorSetLayout) X(vkDestroyDevice) X(vkDestroyFence) X(vkDestroyInstance)                   \
  X(vkDestroyPipeline) X(vkDestroyPipelineCache) X(vkDestroyPipelineLayout) X(vkDestroyQueryPool)             \
  X(vkDestroyShaderModule) X(vkDeviceWaitIdle) X(vkEndCommandBuffer) X(vkEnumerateDeviceExtensionProperties)  \
  X(vkEnumerateInstanceLayerProperties) X(vkEnumeratePhysicalDevices) X(vkFlushMappedMemoryRanges)            \
  X(vkFreeMemory) X(vkGetBufferMemoryRequirements) X(vkGetDeviceQueue) X(vkGetFenceStatus)                   \
  X(vkGetInstanceProcAddr)                                                                                   \
  X(vkGetPhysicalDeviceFeatures2) X(vkGetPhysicalDeviceMemoryProperties) X(vkGetPhysicalDeviceProperties)     \
  X(vkGetPhysicalDeviceProperties2) X(vkGetPhysicalDeviceQueueFamilyProperties) X(vkGetPipelineCacheData)     \
  X(vkGetQueryPoolResults) X(vkInvalidateMappedMemoryRanges) X(vkMapMemory) X(vkQueueSubmit)                  \
  X(vkResetCommandBuffer) X(vkResetFences) X(vkUnmapMemory) X(vkUpdateDescriptorSets) X(vkWaitForFences)   \
  VKPOSE_VULKAN_IMAGE_FUNCTIONS(X)

// Images, semaphores and graphics: GPU-resident frames (runtime), the host
// devices vkpose embeds into (tests) and the viewer's drawing.
#define VKPOSE_VULKAN_IMAGE_FUNCTIONS(X)                                                                      \
  X(vkBindImageMemory) X(vkCmdBeginRenderPass) X(vkCmdBindVertexBuffers) X(vkCmdBlitImage)                    \
  X(vkCmdClearColorImage) X(vkCmdCopyBufferToImage) X(vkCmdCopyImageToBuffer) X(vkCmdDraw)                    \
  X(vkCmdEndRenderPass) X(vkCmdSetScissor) X(vkCmdSetViewport) X(vkCreateFramebuffer)                         \
  X(vkCreateGraphicsPipelines) X(vkCreateImage) X(vkCreateImageView) X(vkCreateRenderPass) X(vkCreateSampler) \
  X(vkCreateSemaphore) X(vkDestroyFramebuffer) X(vkDestroyImage) X(vkDestroyImageView) X(vkDestroyRenderPass) \
  X(vkDestroySampler) X(vkDestroySemaphore) X(vkEnumerateDeviceLayerProperties)                              \
  X(vkEnumerateInstanceExtensionProperties) X(vkFreeCommandBuffers) X(vkGetDeviceProcAddr)                    \
  X(vkGetImageMemoryRequirements) X(vkGetPhysicalDeviceFormatProperties) X(vkQueueWaitIdle)                   \
  X(vkResetCommandPool)

#define VKPOSE_DECLARE_VULKAN_FUNCTION(name) extern PFN_##name name;
VKPOSE_VULKAN_FUNCTIONS(VKPOSE_DECLARE_VULKAN_FUNCTION)
#undef VKPOSE_DECLARE_VULKAN_FUNCTION

namespace vkpose {

// Opens the loader (VKPOSE_VULKAN_LIBRARY, else the platform's libvulkan)
// once per process and resolves every function above. Throws vkpose::Error
// naming the library and what is missing.
void loadVulkan();

}  // namespace vkpose
