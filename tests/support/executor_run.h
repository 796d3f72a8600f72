// Running an Executor in tests: once, on a given input, with every
// activation poisoned first so nothing left unwritten can pass.
#pragma once

#include <vector>

#include "engine/context.h"
#include "engine/timestamps.h"
#include "runtime/executor.h"

namespace vkpose::test {

// Fills the whole activation arena with NaN, uploads `input_chw` into
// executor.input(), records the network into a fresh command buffer and
// runs it `replays` times (one recording, replayed), waiting each time. With
// `timing`, the last replay's GPU time of the network lands in it.
void runPoisoned(Context& ctx, Executor& executor, const std::vector<float>& input_chw, int replays = 1,
                 TimestampQueries* timing = nullptr);

// The view's whole C4HW4 data as floats, padding lanes included.
std::vector<float> downloadPackedView(Context& ctx, const TensorView& view);

}  // namespace vkpose::test
