#include "runtime/frame_mapping.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "engine/error.h"

namespace vkpose {

namespace {

std::string frameText(int width, int height) { return std::to_string(width) + "x" + std::to_string(height); }

std::string regionText(const RegionOfInterest& roi) {
  std::ostringstream text;
  text << "region of interest (x " << roi.x << ", y " << roi.y << ", " << roi.width << "x" << roi.height << ")";
  return text.str();
}

void validateSizes(int frame_width, int frame_height, int model_size) {
  if (frame_width <= 0 || frame_height <= 0)
    throw Error("frame " + frameText(frame_width, frame_height) + " is empty");
  if (frame_width > kMaxFrameSide || frame_height > kMaxFrameSide)
    throw Error("frame " + frameText(frame_width, frame_height) + " exceeds the limit of " +
                std::to_string(kMaxFrameSide) + " pixels per side");
  if (model_size < 1 || model_size > kMaxModelInputSize)
    throw Error("model input size " + std::to_string(model_size) + " is outside [1, " +
                std::to_string(kMaxModelInputSize) + "]");
}

// TF.js padAndResizeTo's centring, with preprocess.js's floor split: the odd
// pixel of padding goes to the bottom / right.
SamplingGrid letterbox(int width, int height) {
  int side = std::max(width, height);
  return {width, height, 0, {-(side - width) / 2, side}, {-(side - height) / 2, side}};
}

// One axis of a crop: both edges rounded to pixel boundaries (round half up,
// the same on both sides of zero so a region's width does not depend on where
// it sits).
SamplingAxis snapRegion(double start, double extent, int frame_extent, const RegionOfInterest& roi) {
  double first = std::floor(start + 0.5);
  double last = std::floor(start + extent + 0.5);
  if (last - first < 1) throw Error(regionText(roi) + " is smaller than one pixel once snapped to pixel edges");
  if (last - first > kMaxFrameSide)
    throw Error(regionText(roi) + " exceeds the limit of " + std::to_string(kMaxFrameSide) + " pixels per side");
  if (last <= 0 || first >= frame_extent) throw Error(regionText(roi) + " does not overlap the frame");
  return {int(first), int(last - first)};
}

SamplingGrid crop(int width, int height, const RegionOfInterest& roi) {
  for (float v : {roi.x, roi.y, roi.width, roi.height})
    if (!std::isfinite(v)) throw Error(regionText(roi) + " is not finite");
  if (roi.width <= 0 || roi.height <= 0) throw Error(regionText(roi) + " has no area");
  return {width, height, 0, snapRegion(roi.x, roi.width, width, roi), snapRegion(roi.y, roi.height, height, roi)};
}

}  // namespace

FrameMapping SamplingGrid::mapping() const {
  double n = model_size;
  return {float(x.span / n), float(y.span / n), float(x.origin), float(y.origin)};
}

SamplingGrid samplingGrid(ResizeMode mode, int frame_width, int frame_height, int model_size,
                          const RegionOfInterest& roi) {
  validateSizes(frame_width, frame_height, model_size);
  SamplingGrid grid;
  switch (mode) {
    case ResizeMode::Letterbox: grid = letterbox(frame_width, frame_height); break;
    case ResizeMode::Stretch: grid = {frame_width, frame_height, 0, {0, frame_width}, {0, frame_height}}; break;
    case ResizeMode::Crop: grid = crop(frame_width, frame_height, roi); break;
  }
  grid.model_size = model_size;
  return grid;
}

FrameMapping frameMapping(ResizeMode mode, int frame_width, int frame_height, int model_size,
                          const RegionOfInterest& roi) {
  return samplingGrid(mode, frame_width, frame_height, model_size, roi).mapping();
}

const char* resizeModeName(ResizeMode mode) {
  switch (mode) {
    case ResizeMode::Letterbox: return "letterbox";
    case ResizeMode::Stretch: return "stretch";
    case ResizeMode::Crop: return "crop";
  }
  return "unknown";
}

}  // namespace vkpose
