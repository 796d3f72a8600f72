// What both front ends do first: find the model and the source, open the
// source and decode its first frame, so bad input fails before any GPU or
// window work (and before a window flashes up).
#pragma once

#include <memory>
#include <string>

#include "runtime/estimator.h"
#include "viewer/media/source.h"
#include "viewer/options.h"

namespace vkpose::view {

struct Inputs {
  std::string model_path;
  std::string source_spec;
  std::unique_ptr<FrameSource> source;
  RgbaFrame first;
};

// Throws MediaError (bad source) or std::runtime_error (no model found).
Inputs openInputs(const ViewerOptions& options, bool loop_slideshow);
EstimatorOptions estimatorOptions(const ViewerOptions& options, const std::string& model_path);

}  // namespace vkpose::view
