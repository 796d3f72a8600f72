// The bench's outputs: a readable table (stdout), a JSON file with every
// number, and a PNG plot of time against input size.
#pragma once

#include <cstdio>
#include <string>

#include "bench/results.h"

namespace vkpose::bench {

void printTable(const BenchResults& results, std::FILE* out);

// The JSON document (docs/benchmarks.md describes the fields).
std::string reportJson(const BenchResults& results);
// Throws std::runtime_error when the file cannot be written.
void writeJson(const std::string& path, const BenchResults& results);

// GPU time and latency (and onnxruntime, if run) in ms against input size,
// rasterised here (stb_easy_font text) and written with stb_image_write.
// Throws std::runtime_error when the file cannot be written.
void writePlot(const std::string& path, const BenchResults& results);

}  // namespace vkpose::bench
