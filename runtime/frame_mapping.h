// How a frame maps onto the model input, and back. Preprocessing samples the
// frame at  source = model * scale + offset  (per axis, TF's legacy bilinear
// mapping: no half-pixel centres, see tools/oracle/preprocess.js), and
// decoding maps keypoints back to frame pixels with the same formula, so the
// two can never disagree about offsets and scale.
#pragma once

#include <array>

namespace vkpose {

enum class ResizeMode {
  Letterbox,  // keep aspect, pad to a square with black, centred (floor split), like TF.js padAndResizeTo
  Stretch,    // fill the square, aspect not kept
  Crop,       // a region of interest, stretched to the square
};

struct RegionOfInterest {
  float x = 0, y = 0, width = 0, height = 0;  // frame pixels
};

struct FrameMapping {
  float scale_x = 1.f, scale_y = 1.f;    // frame pixels per model pixel
  float offset_x = 0.f, offset_y = 0.f;  // frame position of model pixel (0, 0)

  std::array<float, 2> toFrame(float model_x, float model_y) const {
    return {model_x * scale_x + offset_x, model_y * scale_y + offset_y};
  }
};

// Limits that keep the preprocessing shader's integer tap arithmetic
// ((model_size - 1) * span) far from 32-bit overflow.
inline constexpr int kMaxFrameSide = 1 << 16;     // frame and region extent, pixels
inline constexpr int kMaxModelInputSize = 1 << 12;

// The exact form of a mapping, per axis: model pixel d samples window
// position d * span / model_size (a rational, so the GPU's integer taps agree
// with preprocess.js's float64 ones), and window position i is frame pixel
// origin + i. The window is the letterbox square, the frame, or the region
// of interest; window pixels outside the frame are black.
struct SamplingAxis {
  int origin = 0;  // frame pixel of window position 0; negative where a letterbox pads before the frame
  int span = 1;    // window extent in frame pixels

  bool operator==(const SamplingAxis&) const = default;
};

struct SamplingGrid {
  int frame_width = 0, frame_height = 0;  // the frame it was made for
  int model_size = 0;
  SamplingAxis x, y;

  FrameMapping mapping() const;  // scale = span / model_size, offset = origin
  bool operator==(const SamplingGrid&) const = default;
};

// Crop regions are snapped to whole pixels (each edge rounded to the nearest
// pixel boundary) so that sampling stays exact; the mapping describes the
// snapped region, so decoding inverts exactly what was sampled. Throws
// vkpose::Error for empty or oversized frames, model sizes outside
// [1, kMaxModelInputSize], and a region that is not finite, has no area or
// does not overlap the frame.
SamplingGrid samplingGrid(ResizeMode mode, int frame_width, int frame_height, int model_size,
                          const RegionOfInterest& roi = {});

// samplingGrid(...).mapping(); throws the same errors.
FrameMapping frameMapping(ResizeMode mode, int frame_width, int frame_height, int model_size,
                          const RegionOfInterest& roi = {});

const char* resizeModeName(ResizeMode mode);  // "letterbox", "stretch", "crop"

}  // namespace vkpose
