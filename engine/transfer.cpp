#include "engine/transfer.h"

#include "engine/context.h"
#include "engine/error.h"
#include "engine/memory.h"
#include "engine/recorder.h"

namespace vkpose {

void uploadToBuffer(Context& ctx, const Buffer& dst, const void* data, uint64_t bytes, uint64_t dst_offset) {
  if (bytes == 0) return;
  if (dst_offset + bytes > dst.size()) throw Error("uploadToBuffer: " + std::to_string(bytes) + " bytes overrun the destination");
  Buffer staging = ctx.allocator().createBuffer(bytes, MemoryUsage::Upload);
  staging.write(data, bytes);
  CommandRecorder rec(ctx);
  rec.begin();
  // Host writes to mapped memory are made available by the submit itself.
  rec.copy(staging, dst, bytes, 0, dst_offset);
  rec.barrier(Stage::Transfer, Stage::Compute, "uploaded data is read by later dispatches");
  rec.end();
  rec.submitAndWait();
}

void downloadFromBuffer(Context& ctx, const Buffer& src, void* data, uint64_t bytes, uint64_t src_offset) {
  if (bytes == 0) return;
  if (src_offset + bytes > src.size()) throw Error("downloadFromBuffer: " + std::to_string(bytes) + " bytes overrun the source");
  Buffer staging = ctx.allocator().createBuffer(bytes, MemoryUsage::Readback);
  CommandRecorder rec(ctx);
  rec.begin();
  rec.barrier(Stage::Compute, Stage::Transfer, "earlier dispatches wrote the data being read back");
  rec.copy(src, staging, bytes, src_offset, 0);
  rec.barrier(Stage::Transfer, Stage::Host, "the host reads the staging copy after the fence");
  rec.end();
  rec.submitAndWait();
  staging.read(data, bytes);
}

}  // namespace vkpose
