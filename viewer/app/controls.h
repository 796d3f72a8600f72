// What the keys change, as pure functions over the viewer's settings.
#pragma once

namespace vkpose::view {

// The range the +/- keys step through (the 161 ... 801): smaller
// inputs lose too much detail to be worth a key press, larger ones are too
// slow to watch live on most GPUs. --input-size still accepts 129..1025.
inline constexpr int kKeyMinInputSize = 161;
inline constexpr int kKeyMaxInputSize = 801;

// The next valid size one stride up (direction +1) or down (-1), kept in
// [kKeyMinInputSize, kKeyMaxInputSize]; `current` itself when already at the end.
int stepInputSize(int current, int stride, int direction);

// Minimum confidence in steps of 0.05 within [0, 0.95].
float stepMinConfidence(float current, int direction);

}  // namespace vkpose::view
