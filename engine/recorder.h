// Command-buffer recording for compute work: dispatches, copies and explicit
// barriers. Every barrier states why it is there; the reasons are kept so a
// plan can print them (and so nobody adds a barrier "just in case").
#pragma once

#include "engine/vulkan_api.h"

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace vkpose {

class Context;
class Buffer;
class Pipeline;
class TimestampQueries;

// AnyCommand: every earlier command on the queue, of any kind (a host
// engine's rendering of a frame vkpose then reads).
enum class Stage { Host, Transfer, Compute, AnyCommand };

class CommandRecorder {
 public:
  explicit CommandRecorder(Context& ctx);
  ~CommandRecorder();
  CommandRecorder(const CommandRecorder&) = delete;
  CommandRecorder& operator=(const CommandRecorder&) = delete;

  void begin();  // starts a fresh recording (the buffer may be re-recorded)
  void end();
  VkCommandBuffer handle() const { return cmd_; }

  void dispatch(const Pipeline& pipeline, VkDescriptorSet set, std::span<const std::byte> push,
                std::array<uint32_t, 3> groups);
  template <class PushConstants>
  void dispatch(const Pipeline& pipeline, VkDescriptorSet set, const PushConstants& push,
                std::array<uint32_t, 3> groups) {
    dispatch(pipeline, set, std::as_bytes(std::span(&push, 1)), groups);
  }

  // Makes writes done in `src` visible to reads and writes in `dst`. `why`
  // names the hazard in one line, e.g. "conv1 output is dw2 input".
  void barrier(Stage src, Stage dst, std::string why);
  void copy(const Buffer& src, const Buffer& dst, uint64_t bytes, uint64_t src_offset = 0, uint64_t dst_offset = 0);
  void fill(const Buffer& dst, uint32_t word);  // whole buffer; used to poison outputs
  void resetTimestamps(TimestampQueries& queries);
  void timestamp(TimestampQueries& queries, std::string label);

  const std::vector<std::string>& barrierReasons() const { return barrier_reasons_; }
  uint32_t dispatchCount() const { return dispatches_; }

  // Convenience for set-up and tests: submit this recording and wait.
  void submitAndWait();

 private:
  Context& ctx_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  std::vector<std::string> barrier_reasons_;
  uint32_t dispatches_ = 0;
};

}  // namespace vkpose
