#include "viewer/gpu/readback.h"

#include <utility>

#include "engine/error.h"
#include "viewer/gpu/device.h"
#include "viewer/gpu/image.h"

namespace vkpose::view {

ImageReadback::ImageReadback(GpuDevice& device, VkExtent2D extent, VkFormat format) : extent_(extent), format_(format) {
  if (format != VK_FORMAT_R8G8B8A8_UNORM && format != VK_FORMAT_B8G8R8A8_UNORM)
    throw Error("cannot read back images of format " + std::to_string(int(format)) + " (only 8-bit RGBA/BGRA)");
  buffer_ = device.allocator().createBuffer(uint64_t(extent.width) * extent.height * 4, MemoryUsage::Readback);
}

void ImageReadback::record(VkCommandBuffer cmd, VkImage image, VkImageLayout layout) {
  bool move = layout != VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  if (move)
    transitionImage(cmd, image, {VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT, layout},
                    {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL},
                    "the copy reads what the render pass drew");
  VkBufferImageCopy region{};
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageExtent = {extent_.width, extent_.height, 1};
  vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer_.handle(), 1, &region);
  if (move)
    transitionImage(cmd, image, {VK_PIPELINE_STAGE_TRANSFER_BIT, 0, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL},
                    {VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, layout}, "back to the layout the image is presented in");
  VkBufferMemoryBarrier host{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
  host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  host.srcQueueFamilyIndex = host.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  host.buffer = buffer_.handle();
  host.size = VK_WHOLE_SIZE;
  // The host reads the pixels once the fence has signalled.
  vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1, &host, 0,
                       nullptr);
}

std::vector<uint8_t> ImageReadback::rgba() const {
  std::vector<uint8_t> pixels(buffer_.size());
  buffer_.read(pixels.data(), pixels.size());
  if (format_ == VK_FORMAT_B8G8R8A8_UNORM)
    for (size_t i = 0; i + 3 < pixels.size(); i += 4) std::swap(pixels[i], pixels[i + 2]);
  return pixels;
}

}  // namespace vkpose::view
