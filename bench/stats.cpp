#include "bench/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vkpose::bench {

double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t rank = size_t(std::ceil(p / 100.0 * double(samples.size())));
  return samples[std::clamp<size_t>(rank, 1, samples.size()) - 1];
}

double median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t n = samples.size();
  return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

Summary summarise(std::vector<double> samples) {
  Summary s;
  if (samples.empty()) return s;
  s.samples = int(samples.size());
  s.median = median(samples);
  s.p99 = percentile(samples, 99);
  s.min = *std::min_element(samples.begin(), samples.end());
  s.max = *std::max_element(samples.begin(), samples.end());
  s.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / double(samples.size());
  return s;
}

}  // namespace vkpose::bench
