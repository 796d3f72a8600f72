// Where the viewer finds its default model and sample photo when the
// command line names none: next to the binary, in an install prefix, or in
// the source and build tree it was built from.
#pragma once

#include <string>
#include <vector>

namespace vkpose::view {

std::string executableDir();

// The first existing candidate; throws std::runtime_error listing where it
// looked and how to make the model (vkpose-convert the committed ONNX).
std::string defaultModelPath();
std::string defaultSamplePhoto();

std::vector<std::string> modelCandidates(const std::string& exe_dir);
std::vector<std::string> samplePhotoCandidates(const std::string& exe_dir);

}  // namespace vkpose::view
