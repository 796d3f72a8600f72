#include "tests/support/executor_run.h"

#include "engine/recorder.h"
#include "engine/transfer.h"

namespace vkpose::test {

void runPoisoned(Context& ctx, Executor& executor, const std::vector<float>& input_chw, int replays,
                 TimestampQueries* timing) {
  CommandRecorder poison(ctx);
  poison.begin();
  // input() and every other activation share the arena buffer.
  poison.fill(*executor.input().buffer, poisonWord(executor.precision()));
  poison.end();
  poison.submitAndWait();
  uploadTensor(ctx, executor.input(), input_chw);

  CommandRecorder rec(ctx);
  rec.begin();
  if (timing) {
    rec.resetTimestamps(*timing);
    rec.timestamp(*timing, "start");
  }
  executor.record(rec);
  if (timing) rec.timestamp(*timing, "network");
  rec.end();
  for (int i = 0; i < replays; ++i) rec.submitAndWait();
}

std::vector<float> downloadPackedView(Context& ctx, const TensorView& view) {
  std::vector<uint8_t> bytes(view.bytes());
  downloadFromBuffer(ctx, *view.buffer, bytes.data(), bytes.size(), view.offset);
  return fromStorage(bytes, view.precision);
}

}  // namespace vkpose::test
