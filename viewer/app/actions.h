// What a key press (or a --script step) asks the viewer to do.
#pragma once

#include <optional>
#include <string>

namespace vkpose::view {

enum class Action {
  InputSizeUp,     // +
  InputSizeDown,   // -
  ConfidenceDown,  // [
  ConfidenceUp,    // ]
  Pause,           // space
  Screenshot,      // s
  Background,      // b: toggle background execution
  Help,            // h
  NextImage,       // n or the right arrow: next picture of a slideshow
  Quit,            // Esc
  Close,           // the window's close button (scripted: "close")
  Iconify,         // minimise the window (scripted only: "iconify")
  Restore,         // restore it from minimised (scripted only: "restore")
};

// A typed character (layout-aware: '+' wherever the user's keyboard has it).
std::optional<Action> actionForCharacter(unsigned codepoint);
// A --script key name: "s", "+", "space", "esc", "close", "iconify", ...
std::optional<Action> actionForName(const std::string& name);

}  // namespace vkpose::view
