// Where a sequence of compute dispatches over one aliased arena needs a
// barrier, and why. Pure bookkeeping over byte ranges, no Vulkan.
//
// A dispatch must wait for earlier ones when it reads bytes an earlier one
// wrote (read after write), or writes bytes an earlier one read or wrote
// (write after read / write: the memory plan reuses a dead tensor's bytes).
// Dispatches with no such overlap, like PoseNet's four heads, run unordered.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vkpose {

struct ArenaRegion {
  std::string tensor;  // for the reason
  uint64_t offset = 0;
  uint64_t bytes = 0;
};

class DispatchHazards {
 public:
  // Returns why a barrier must come before dispatch `node`, which reads
  // `reads` and writes `write`, or "" when it needs none. Then counts the
  // dispatch as pending; a barrier clears what was pending before it.
  std::string beforeDispatch(const std::string& node, std::span<const ArenaRegion> reads, const ArenaRegion& write);

 private:
  struct Access {
    ArenaRegion region;
    std::string node;
    bool write = false;
  };
  std::vector<Access> pending_;  // accesses since the last barrier
};

}  // namespace vkpose
