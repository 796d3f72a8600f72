#include "engine/recorder.h"

#include "engine/context.h"
#include "engine/error.h"
#include "engine/memory.h"
#include "engine/pipeline.h"
#include "engine/timestamps.h"

namespace vkpose {

namespace {

struct StageAccess {
  VkPipelineStageFlags stage;
  VkAccessFlags write;
  VkAccessFlags read;
};

StageAccess accessOf(Stage s) {
  switch (s) {
    case Stage::Host: return {VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, VK_ACCESS_HOST_READ_BIT};
    case Stage::Transfer:
      return {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT};
    case Stage::Compute:
      return {VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT};
    case Stage::AnyCommand:
      return {VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_ACCESS_MEMORY_WRITE_BIT, VK_ACCESS_MEMORY_READ_BIT};
  }
  return {};
}

}  // namespace

CommandRecorder::CommandRecorder(Context& ctx) : ctx_(ctx) {
  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool_info.queueFamilyIndex = ctx.queueFamily();
  VKPOSE_VK(vkCreateCommandPool(ctx.device(), &pool_info, nullptr, &pool_));
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkResult r = vkAllocateCommandBuffers(ctx.device(), &alloc, &cmd_);
  if (r != VK_SUCCESS) vkDestroyCommandPool(ctx.device(), pool_, nullptr);
  VKPOSE_VK(r);
}

CommandRecorder::~CommandRecorder() { vkDestroyCommandPool(ctx_.device(), pool_, nullptr); }

void CommandRecorder::begin() {
  VKPOSE_VK(vkResetCommandBuffer(cmd_, 0));
  VkCommandBufferBeginInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  VKPOSE_VK(vkBeginCommandBuffer(cmd_, &info));
  barrier_reasons_.clear();
  dispatches_ = 0;
}

void CommandRecorder::end() { VKPOSE_VK(vkEndCommandBuffer(cmd_)); }

void CommandRecorder::dispatch(const Pipeline& pipeline, VkDescriptorSet set, std::span<const std::byte> push,
                               std::array<uint32_t, 3> groups) {
  if (push.size() != pipeline.desc().push_constant_bytes)
    throw Error("dispatch of " + pipeline.desc().shader + ": push constants are " + std::to_string(push.size()) +
                " bytes, pipeline expects " + std::to_string(pipeline.desc().push_constant_bytes));
  const auto& limit = ctx_.caps().max_workgroup_count;
  for (int i = 0; i < 3; ++i)
    if (groups[i] == 0 || groups[i] > limit[i])
      throw Error("dispatch of " + pipeline.desc().shader + ": " + std::to_string(groups[i]) +
                  " workgroups along axis " + std::to_string(i) + " (device allows 1.." + std::to_string(limit[i]) + ")");
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle());
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1, &set, 0, nullptr);
  if (!push.empty())
    vkCmdPushConstants(cmd_, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, uint32_t(push.size()), push.data());
  vkCmdDispatch(cmd_, groups[0], groups[1], groups[2]);
  ++dispatches_;
}

void CommandRecorder::barrier(Stage src, Stage dst, std::string why) {
  if (why.empty()) throw Error("CommandRecorder::barrier needs a reason");
  StageAccess from = accessOf(src), to = accessOf(dst);
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = from.write;
  mb.dstAccessMask = to.read | to.write;
  vkCmdPipelineBarrier(cmd_, from.stage, to.stage, 0, 1, &mb, 0, nullptr, 0, nullptr);
  barrier_reasons_.push_back(std::move(why));
}

void CommandRecorder::copy(const Buffer& src, const Buffer& dst, uint64_t bytes, uint64_t src_offset,
                           uint64_t dst_offset) {
  if (src_offset + bytes > src.size() || dst_offset + bytes > dst.size())
    throw Error("CommandRecorder::copy of " + std::to_string(bytes) + " bytes overruns a buffer");
  VkBufferCopy region{src_offset, dst_offset, bytes};
  vkCmdCopyBuffer(cmd_, src.handle(), dst.handle(), 1, &region);
}

void CommandRecorder::fill(const Buffer& dst, uint32_t word) {
  // vkCmdFillBuffer writes whole words; round the size down to a multiple of 4.
  vkCmdFillBuffer(cmd_, dst.handle(), 0, dst.size() / 4 * 4, word);
}

void CommandRecorder::resetTimestamps(TimestampQueries& queries) { queries.reset(cmd_); }

void CommandRecorder::timestamp(TimestampQueries& queries, std::string label) { queries.write(cmd_, std::move(label)); }

void CommandRecorder::submitAndWait() { ctx_.submitAndWait(cmd_); }

}  // namespace vkpose
