// HUD geometry: text lines as triangles (stb_easy_font's quads, split), on a
// translucent panel. Pure CPU; the renderer draws the vertices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vkpose::view {

struct HudVertex {
  float x = 0, y = 0;  // target pixels, origin top-left
  uint32_t rgba = 0;   // bytes R, G, B, A in memory order (VK_FORMAT_R8G8B8A8_UNORM)
};
static_assert(sizeof(HudVertex) == 12);

uint32_t packRgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a);

// The panel's width for `lines` at scale 1, in pixels.
float textPanelWidth(const std::vector<std::string>& lines);

// Appends a panel with its top-left corner at (x, y) and the lines on it;
// `scale` multiplies stb_easy_font's 12-unit line height. Returns the
// panel's bottom edge.
float appendTextPanel(std::vector<HudVertex>& out, float x, float y, const std::vector<std::string>& lines, float scale);

}  // namespace vkpose::view
