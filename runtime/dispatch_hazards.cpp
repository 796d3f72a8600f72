#include "runtime/dispatch_hazards.h"

namespace vkpose {

namespace {

bool overlap(const ArenaRegion& a, const ArenaRegion& b) {
  return a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
}

std::string quoted(const std::string& name) { return "'" + name + "'"; }

}  // namespace

std::string DispatchHazards::beforeDispatch(const std::string& node, std::span<const ArenaRegion> reads,
                                            const ArenaRegion& write) {
  std::vector<std::string> hazards;
  for (const Access& earlier : pending_) {
    if (earlier.write) {
      for (const ArenaRegion& read : reads)
        if (overlap(read, earlier.region))
          hazards.push_back(quoted(node) + " reads " + quoted(read.tensor) + " written by " + quoted(earlier.node));
    }
    if (overlap(write, earlier.region))
      hazards.push_back(quoted(node) + " writes " + quoted(write.tensor) + " over " + quoted(earlier.region.tensor) +
                        (earlier.write ? " written by " : " read by ") + quoted(earlier.node));
  }
  std::string why;
  for (const std::string& hazard : hazards) why += (why.empty() ? "" : "; ") + hazard;
  if (!why.empty()) pending_.clear();
  for (const ArenaRegion& read : reads) pending_.push_back({read, node, false});
  pending_.push_back({write, node, true});
  return why;
}

}  // namespace vkpose
