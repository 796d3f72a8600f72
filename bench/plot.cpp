// The PNG plot: time (ms) against input size, one line per series, with
// tick labels and a legend. Rasterised here: stb_easy_font gives text as
// axis-aligned quads, lines are stamped squares; stb_image_write (compiled
// in tools/vkpose/image_io.cpp) writes the file.
#include <stb/stb_easy_font.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/report.h"
#include "tools/vkpose/image_io.h"

namespace vkpose::bench {

namespace {

struct Color {
  uint8_t r, g, b;
};

constexpr Color kBlack{0, 0, 0}, kGrid{225, 225, 225}, kWhite{255, 255, 255};

class Canvas {
 public:
  Canvas(int width, int height) : image_{width, height, std::vector<uint8_t>(size_t(width) * size_t(height) * 4, 255)} {}

  void fill(int x0, int y0, int x1, int y1, Color c) {  // [x0, x1) x [y0, y1)
    for (int y = std::max(0, y0); y < std::min(image_.height, y1); ++y)
      for (int x = std::max(0, x0); x < std::min(image_.width, x1); ++x) {
        uint8_t* p = &image_.rgba[(size_t(y) * size_t(image_.width) + size_t(x)) * 4];
        p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = 255;
      }
  }

  // `thickness` pixels wide; `dash` > 0 leaves gaps of that many steps.
  void line(double x0, double y0, double x1, double y1, Color c, int thickness, int dash = 0) {
    int steps = int(std::max(std::abs(x1 - x0), std::abs(y1 - y0))) + 1;
    int lo = -(thickness / 2), hi = lo + thickness;
    for (int i = 0; i <= steps; ++i) {
      if (dash > 0 && (i / dash) % 2 == 1) continue;
      double t = double(i) / steps;
      int x = int(std::lround(x0 + (x1 - x0) * t)), y = int(std::lround(y0 + (y1 - y0) * t));
      fill(x + lo, y + lo, x + hi, y + hi, c);
    }
  }

  // Text with its top-left corner at (x, y), `scale` pixels per font unit.
  void text(int x, int y, const std::string& s, Color c, int scale = 2) {
    static std::vector<char> buffer(1 << 17);
    std::string copy = s;
    unsigned char colour[4] = {c.r, c.g, c.b, 255};
    int quads = stb_easy_font_print(0, 0, copy.data(), colour, buffer.data(), int(buffer.size()));
    const float* v = reinterpret_cast<const float*>(buffer.data());
    for (int q = 0; q < quads; ++q) {
      const float* quad = v + q * 16;  // 4 vertices of x, y, z, colour
      float qx0 = quad[0], qy0 = quad[1], qx1 = quad[8], qy1 = quad[9];
      fill(x + int(qx0 * float(scale)), y + int(qy0 * float(scale)), x + int(qx1 * float(scale)),
           y + int(qy1 * float(scale)), c);
    }
  }

  static int textWidth(const std::string& s, int scale = 2) {
    std::string copy = s;
    return stb_easy_font_width(copy.data()) * scale;
  }

  const cli::Image& image() const { return image_; }

 private:
  cli::Image image_;
};

struct Series {
  std::string name;
  Color color;
  int dash;
  std::vector<std::pair<double, double>> points;  // (input size, ms)
};

// 1, 2 or 5 times a power of ten, at least `raw`.
double niceStep(double raw) {
  double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw) return m * power;
  return 10 * power;
}

std::string tickLabel(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", v);
  return text;
}

// Linear from 0 when the values span less than 20x; else log10, so that a
// GPU's fraction of a millisecond and a CPU's tens of milliseconds both show.
struct YAxis {
  bool log = false;
  double lo = 0, hi = 1;
  std::vector<std::pair<double, std::string>> ticks;

  double fraction(double y) const {
    if (!log) return (y - lo) / (hi - lo);
    return (std::log10(std::max(y, 1e-12)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  }
};

YAxis makeYAxis(double y_min, double y_max) {
  YAxis axis;
  axis.log = y_max / y_min > 20;
  if (!axis.log) {
    double step = niceStep(y_max / 6);
    axis.hi = step * std::ceil(y_max * 1.08 / step);
    for (double y = 0; y <= axis.hi + step / 2; y += step) axis.ticks.push_back({y, tickLabel(y)});
    return axis;
  }
  // Ends and ticks on the 1-2-5 sequence, the ends just outside the data.
  std::vector<double> steps;
  for (double decade = std::pow(10.0, std::floor(std::log10(y_min / 1.08))); decade < y_max * 100; decade *= 10)
    for (double m : {1.0, 2.0, 5.0}) steps.push_back(decade * m);
  axis.lo = steps.front();
  for (double v : steps)
    if (v <= y_min / 1.08) axis.lo = v;
  axis.hi = steps.back();
  for (auto it = steps.rbegin(); it != steps.rend(); ++it)
    if (*it >= y_max * 1.08) axis.hi = *it;
  for (double v : steps)
    if (v >= axis.lo * 0.9999 && v <= axis.hi * 1.0001) axis.ticks.push_back({v, tickLabel(v)});
  return axis;
}

std::vector<Series> collectSeries(const BenchResults& r) {
  Series gpu{"GPU time, median (timestamps)", {31, 119, 180}, 0, {}};
  Series latency{"latency, median (host, estimate())", {255, 127, 14}, 0, {}};
  Series latency_p99{"latency, p99", {255, 127, 14}, 6, {}};
  Series ort{"onnxruntime CPU, network only, median", {44, 160, 44}, 0, {}};
  for (const SizeResult& s : r.sizes) {
    if (s.gpu) gpu.points.push_back({s.size, s.gpu->total.median});
    latency.points.push_back({s.size, s.latency.median});
    latency_p99.points.push_back({s.size, s.latency.p99});
    if (s.onnxruntime) ort.points.push_back({s.size, s.onnxruntime->run.median});
  }
  std::vector<Series> all;
  for (Series* s : {&gpu, &latency, &latency_p99, &ort})
    if (!s->points.empty()) all.push_back(*s);
  return all;
}

}  // namespace

void writePlot(const std::string& path, const BenchResults& r) {
  std::vector<Series> series = collectSeries(r);
  const int legend_rows = (int(series.size()) + 1) / 2;
  const int width = 1000, left = 90, right = 30, top = 104, plot_h = 440;
  const int height = top + plot_h + 80 + legend_rows * 24 + 16;
  const int plot_w = width - left - right;
  Canvas canvas(width, height);

  double x_min = 1e9, x_max = -1e9, y_min = 1e300, y_max = 0;
  for (const Series& s : series)
    for (auto [x, y] : s.points) {
      x_min = std::min(x_min, x), x_max = std::max(x_max, x);
      if (y > 0) y_min = std::min(y_min, y), y_max = std::max(y_max, y);
    }
  if (x_min > x_max) x_min = 129, x_max = 1025;
  if (y_max <= 0) y_min = 0.1, y_max = 1;
  double x_pad = std::max(32.0, (x_max - x_min) * 0.05);
  x_min -= x_pad, x_max += x_pad;
  YAxis y_axis = makeYAxis(y_min, y_max);
  auto px = [&](double x) { return left + (x - x_min) / (x_max - x_min) * plot_w; };
  auto py = [&](double y) { return top + plot_h - y_axis.fraction(y) * plot_h; };

  for (const auto& [y, label] : y_axis.ticks) {
    int yy = int(std::lround(py(y)));
    canvas.line(left, yy, left + plot_w, yy, kGrid, 1);
    canvas.text(left - 10 - Canvas::textWidth(label), yy - 6, label, kBlack);
  }
  // x ticks at the measured sizes.
  for (const SizeResult& s : r.sizes) {
    int xx = int(std::lround(px(s.size)));
    canvas.line(xx, top, xx, top + plot_h, kGrid, 1);
    canvas.line(xx, top + plot_h, xx, top + plot_h + 6, kBlack, 2);
    std::string label = std::to_string(s.size);
    canvas.text(xx - Canvas::textWidth(label) / 2, top + plot_h + 12, label, kBlack);
  }
  canvas.line(left, top, left, top + plot_h, kBlack, 2);
  canvas.line(left, top + plot_h, left + plot_w, top + plot_h, kBlack, 2);
  std::string x_title = "model input size (pixels)";
  canvas.text(left + plot_w / 2 - Canvas::textWidth(x_title) / 2, top + plot_h + 40, x_title, kBlack);
  canvas.text(left - 70, top - 30, y_axis.log ? "ms per frame (log scale)" : "ms per frame", kBlack);

  std::string title = "vkpose-bench: " + r.env.device;
  if (Canvas::textWidth(title) > width - 20) {
    while (!title.empty() && Canvas::textWidth(title + "...") > width - 20) title.pop_back();
    title += "...";
  }
  std::string subtitle = r.precision + ", " + std::to_string(r.frame_width) + "x" + std::to_string(r.frame_height) +
                         " RGBA8 frame, " + std::to_string(r.in_flight) + " in flight, " + r.env.date_utc.substr(0, 10) +
                         (r.env.validation ? ", validation ON" : "");
  canvas.text(10, 10, title, kBlack);
  canvas.text(10, 36, subtitle, kBlack);

  for (auto it = series.rbegin(); it != series.rend(); ++it) {  // the GPU time last, on top
    const Series& s = *it;
    for (size_t i = 1; i < s.points.size(); ++i)
      canvas.line(px(s.points[i - 1].first), py(s.points[i - 1].second), px(s.points[i].first),
                  py(s.points[i].second), s.color, 3, s.dash);
    for (auto [x, y] : s.points) {
      if (y <= 0) continue;
      int cx = int(std::lround(px(x))), cy = int(std::lround(py(y)));
      canvas.fill(cx - 4, cy - 4, cx + 5, cy + 5, s.color);
      if (s.dash) canvas.fill(cx - 2, cy - 2, cx + 3, cy + 3, kWhite);  // hollow: the p99 markers
    }
  }

  // Legend under the x axis, two entries a row, so it never hides a point.
  const int ly = top + plot_h + 72, column = plot_w / 2;
  for (size_t i = 0; i < series.size(); ++i) {
    int x = left + column * int(i % 2), y = ly + 24 * int(i / 2) + 6;
    canvas.line(x, y, x + 40, y, series[i].color, 3, series[i].dash);
    canvas.text(x + 52, y - 6, series[i].name, kBlack);
  }
  cli::savePng(path, canvas.image());
}

}  // namespace vkpose::bench
