// vkpose-view: PoseNet on the GPU over images, folders, videos and webcams,
// the skeleton drawn on the same GPU (docs/viewer.md).
// Exit status: 0 done (quit, window closed, end of input headless), 1 input
// or runtime error (the message says which), 2 bad command line, 3 Vulkan
// validation messages were logged (VKPOSE_VALIDATION=1).
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/validation.h"
#include "viewer/app/headless.h"
#include "viewer/app/windowed.h"
#include "viewer/options.h"

int main(int argc, char** argv) {
  using namespace vkpose::view;
  ViewerOptions options;
  try {
    options = parseViewerOptions(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "vkpose-view: %s\n%s", e.what(), viewerUsage());
    return 2;
  }
  if (options.help) {
    std::fputs(viewerUsage(), stdout);
    return 0;
  }
  // Outlives every Vulkan object, so messages from their destruction count too.
  vkpose::ValidationLog validation;
  int status = 1;
  try {
    status = options.headless ? runHeadless(options, validation) : runWindowed(options, validation);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose-view: %s\n", e.what());
    status = 1;
  }
  if (validation.count() > 0) {
    std::fprintf(stderr, "vkpose-view: %zu Vulkan validation message(s) were logged (see above)\n", validation.count());
    return 3;
  }
  return status;
}
