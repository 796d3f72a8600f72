// Blocking host<->device copies through a temporary staging buffer. For
// set-up (weights) and tests; per-frame paths keep persistent staging.
#pragma once

#include <cstdint>

namespace vkpose {

class Context;
class Buffer;

void uploadToBuffer(Context& ctx, const Buffer& dst, const void* data, uint64_t bytes, uint64_t dst_offset = 0);
void downloadFromBuffer(Context& ctx, const Buffer& src, void* data, uint64_t bytes, uint64_t src_offset = 0);

}  // namespace vkpose
