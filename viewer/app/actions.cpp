#include "viewer/app/actions.h"

namespace vkpose::view {

std::optional<Action> actionForCharacter(unsigned codepoint) {
  switch (codepoint) {
    case '+': case '=': return Action::InputSizeUp;  // '=' is '+' without shift on many layouts
    case '-': case '_': return Action::InputSizeDown;
    case '[': return Action::ConfidenceDown;
    case ']': return Action::ConfidenceUp;
    case ' ': return Action::Pause;
    case 's': case 'S': return Action::Screenshot;
    case 'b': case 'B': return Action::Background;
    case 'h': case 'H': case '?': return Action::Help;
    case 'n': case 'N': return Action::NextImage;
    default: return std::nullopt;
  }
}

std::optional<Action> actionForName(const std::string& name) {
  if (name == "space") return Action::Pause;
  if (name == "esc") return Action::Quit;
  if (name == "close") return Action::Close;
  if (name == "iconify") return Action::Iconify;
  if (name == "restore") return Action::Restore;
  if (name.size() == 1) return actionForCharacter(static_cast<unsigned char>(name[0]));
  return std::nullopt;
}

}  // namespace vkpose::view
