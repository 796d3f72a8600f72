// Summaries of timing samples: median and nearest-rank percentiles.
#pragma once

#include <vector>

namespace vkpose::bench {

struct Summary {
  int samples = 0;
  double median = 0, p99 = 0, min = 0, max = 0, mean = 0;
};

// Empty samples give an all-zero summary with samples = 0.
Summary summarise(std::vector<double> samples);
// Nearest rank: the smallest sample with at least p% of the samples at or below it.
double percentile(std::vector<double> samples, double p);
double median(std::vector<double> samples);

}  // namespace vkpose::bench
