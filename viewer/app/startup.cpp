#include "viewer/app/startup.h"

#include <filesystem>
#include <system_error>

#include "viewer/paths.h"

namespace vkpose::view {

Inputs openInputs(const ViewerOptions& options, bool loop_slideshow) {
  // The source first: a mistyped file name is the likelier mistake.
  Inputs in;
  in.source_spec = options.source.empty() ? defaultSamplePhoto() : options.source;
  in.source = openSource(in.source_spec, {loop_slideshow});
  if (!in.source->next(in.first)) throw MediaError(in.source_spec + " holds no frame");
  in.model_path = options.model.empty() ? defaultModelPath() : options.model;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(in.model_path, ec))
    throw std::runtime_error("cannot open model " + in.model_path + ": no such file");
  return in;
}

EstimatorOptions estimatorOptions(const ViewerOptions& options, const std::string& model_path) {
  EstimatorOptions e;
  e.model_path = model_path;
  e.input_size = options.input_size;
  e.frames_in_flight = options.frames_in_flight;
  if (options.fp16) e.precision = *options.fp16 ? Precision::FP16Storage : Precision::FP32;
  return e;
}

}  // namespace vkpose::view
