#include "viewer/render/frame_texture.h"

#include "engine/error.h"
#include "viewer/gpu/device.h"

namespace vkpose::view {

FrameTexture::FrameTexture(GpuDevice& device) : device_(device) {
  VkDevice dev = device.handle();
  VkSamplerCreateInfo sampler{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  sampler.magFilter = VK_FILTER_LINEAR;
  sampler.minFilter = VK_FILTER_LINEAR;
  sampler.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  sampler.addressModeU = sampler.addressModeV = sampler.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  VKPOSE_VK(vkCreateSampler(dev, &sampler, nullptr, &sampler_));

  VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT,
                                       nullptr};
  VkDescriptorSetLayoutCreateInfo layout{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  layout.bindingCount = 1;
  layout.pBindings = &binding;
  VKPOSE_VK(vkCreateDescriptorSetLayout(dev, &layout, nullptr, &set_layout_));

  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1};
  VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool.maxSets = 1;
  pool.poolSizeCount = 1;
  pool.pPoolSizes = &size;
  VKPOSE_VK(vkCreateDescriptorPool(dev, &pool, nullptr, &pool_));
  VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  alloc.descriptorPool = pool_;
  alloc.descriptorSetCount = 1;
  alloc.pSetLayouts = &set_layout_;
  VKPOSE_VK(vkAllocateDescriptorSets(dev, &alloc, &set_));
}

FrameTexture::~FrameTexture() {
  VkDevice dev = device_.handle();
  image_.reset();
  vkDestroyDescriptorPool(dev, pool_, nullptr);
  vkDestroyDescriptorSetLayout(dev, set_layout_, nullptr);
  vkDestroySampler(dev, sampler_, nullptr);
}

void FrameTexture::resize(int width, int height) {
  if (image_ && width == width_ && height == height_) return;
  VKPOSE_VK(vkQueueWaitIdle(device_.queue()));
  image_.reset();
  image_ = std::make_unique<GpuImage>(device_, uint32_t(width), uint32_t(height), VK_FORMAT_R8G8B8A8_UNORM,
                                      VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT);
  width_ = width;
  height_ = height;
  filled_ = false;
  VkDescriptorImageInfo info{sampler_, image_->view(), VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
  VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  write.dstSet = set_;
  write.descriptorCount = 1;
  write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  write.pImageInfo = &info;
  vkUpdateDescriptorSets(device_.handle(), 1, &write, 0, nullptr);
}

void FrameTexture::recordUpload(VkCommandBuffer cmd, VkBuffer buffer) {
  // The previous frame's draws may still sample the image (an earlier
  // submission on this queue): the copy waits for their fragment shaders.
  // Its old contents are not needed, hence UNDEFINED as the old layout.
  transitionImage(cmd, image_->image(),
                  {VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, VK_IMAGE_LAYOUT_UNDEFINED},
                  {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL},
                  "frame copy after the last frame's sampling");
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {uint32_t(width_), uint32_t(height_), 1};
  vkCmdCopyBufferToImage(cmd, buffer, image_->image(), VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
  transitionImage(cmd, image_->image(),
                  {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL},
                  {VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT,
                   VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
                  "the frame shader samples the copied frame");
  filled_ = true;
}

}  // namespace vkpose::view
