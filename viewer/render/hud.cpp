#include "viewer/render/hud.h"

#include <algorithm>
#include <cstring>

#include <stb/stb_easy_font.h>

namespace vkpose::view {

namespace {

constexpr float kLineHeight = 12;  // stb_easy_font units per line
constexpr float kPadding = 6;      // panel margin around the text, in units

// stb_easy_font has glyphs for printable ASCII only (and indexes its table
// with the raw byte), so anything else becomes '?'.
std::vector<char> printable(const std::string& text) {
  std::vector<char> out;
  for (char c : text) out.push_back(c >= 32 && c <= 126 ? c : '?');
  out.push_back('\0');
  return out;
}

void appendQuad(std::vector<HudVertex>& out, float x0, float y0, float x1, float y1, uint32_t rgba) {
  HudVertex a{x0, y0, rgba}, b{x1, y0, rgba}, c{x1, y1, rgba}, d{x0, y1, rgba};
  out.insert(out.end(), {a, b, c, a, c, d});
}

// stb_easy_font writes 4 vertices per quad: x, y, z floats and 4 colour bytes.
struct EasyFontVertex {
  float x, y, z;
  uint8_t rgba[4];
};
static_assert(sizeof(EasyFontVertex) == 16);

void appendText(std::vector<HudVertex>& out, float x, float y, const std::string& text, float scale, uint32_t rgba) {
  static thread_local std::vector<EasyFontVertex> quads;
  quads.resize(std::max<size_t>(64, text.size() * 70));  // stb's own estimate: ~270 bytes per character
  std::vector<char> copy = printable(text);
  int count = stb_easy_font_print(0, 0, copy.data(), nullptr, quads.data(), int(quads.size() * sizeof(EasyFontVertex)));
  for (int q = 0; q < count; ++q) {
    const EasyFontVertex* v = &quads[size_t(q) * 4];
    appendQuad(out, x + v[0].x * scale, y + v[0].y * scale, x + v[2].x * scale, y + v[2].y * scale, rgba);
  }
}

}  // namespace

uint32_t packRgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
  uint8_t bytes[4] = {r, g, b, a};
  uint32_t packed;
  std::memcpy(&packed, bytes, 4);
  return packed;
}

float textPanelWidth(const std::vector<std::string>& lines) {
  float width = 0;
  for (const std::string& line : lines) {
    std::vector<char> copy = printable(line);
    width = std::max(width, float(stb_easy_font_width(copy.data())));
  }
  return width + 2 * kPadding;
}

float appendTextPanel(std::vector<HudVertex>& out, float x, float y, const std::vector<std::string>& lines, float scale) {
  float bottom = y + (float(lines.size()) * kLineHeight + 2 * kPadding) * scale;
  appendQuad(out, x, y, x + textPanelWidth(lines) * scale, bottom, packRgba(0, 0, 0, 170));
  float line_y = y + kPadding * scale;
  for (const std::string& line : lines) {
    appendText(out, x + kPadding * scale, line_y, line, scale, packRgba(255, 255, 255, 255));
    line_y += kLineHeight * scale;
  }
  return bottom;
}

}  // namespace vkpose::view
