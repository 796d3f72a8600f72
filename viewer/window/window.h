// The GLFW window: no client API (Vulkan draws into it through a surface),
// keys turned into Actions, and the size changes the swapchain follows.
#pragma once

#include "engine/vulkan_api.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "viewer/app/actions.h"

struct GLFWwindow;

namespace vkpose::view {

// No display, no Vulkan support in GLFW, window creation refused.
class WindowError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Window {
 public:
  // Initialises GLFW and opens the window, `width` x `height`, or when those
  // are 0 the frame's size scaled to fit the screen. Throws WindowError with
  // GLFW's reason (e.g. DISPLAY unset) and a hint to use --headless.
  Window(int width, int height, int frame_width, int frame_height, const std::string& title);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // The instance extensions the surface needs (VK_KHR_surface + the platform's).
  std::vector<std::string> requiredInstanceExtensions() const;
  VkSurfaceKHR createSurface(VkInstance instance);

  // Pixels of the drawable area (0 x 0 while minimised).
  VkExtent2D framebufferSize() const;
  bool minimised() const;
  bool shouldClose() const;
  void requestClose();  // what the close button does
  void setSize(int width, int height);
  // Asks the window manager to minimise the window and waits up to 2 s until
  // it has; false when nothing did (no window manager, as under bare Xvfb).
  bool iconify();
  void restore();  // asks to restore it from minimised
  void setTitle(const std::string& title);

  void poll();                      // handles pending events without blocking
  void waitEvents(double seconds);  // blocks up to `seconds` for an event
  std::vector<Action> takeActions();
  bool takeResized();  // whether the framebuffer changed size since the last call

 private:
  // Largest size that fits the frame on the primary monitor's work area (80 %).
  static VkExtent2D fitOnScreen(int frame_width, int frame_height);
  static void onChar(GLFWwindow* window, unsigned codepoint);
  static void onKey(GLFWwindow* window, int key, int scancode, int action, int mods);
  static void onFramebufferSize(GLFWwindow* window, int width, int height);

  GLFWwindow* window_ = nullptr;
  std::vector<Action> actions_;
  bool resized_ = false;
};

}  // namespace vkpose::view
