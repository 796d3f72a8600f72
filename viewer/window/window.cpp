#include "viewer/window/window.h"

#include <algorithm>
#include <chrono>
#include <mutex>

// engine/vulkan_api.h (included above) has defined VK_NO_PROTOTYPES and
// included vulkan.h, so GLFW declares glfwCreateWindowSurface without
// pulling in prototypes of its own.
#define GLFW_INCLUDE_NONE
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include "engine/error.h"

namespace vkpose::view {

namespace {

std::mutex g_error_mutex;
std::string g_last_glfw_error;

void onGlfwError(int /*code*/, const char* description) {
  std::lock_guard lock(g_error_mutex);
  g_last_glfw_error = description ? description : "unknown GLFW error";
}

std::string lastGlfwError() {
  std::lock_guard lock(g_error_mutex);
  return g_last_glfw_error.empty() ? "unknown GLFW error" : g_last_glfw_error;
}

Window& owner(GLFWwindow* window) { return *static_cast<Window*>(glfwGetWindowUserPointer(window)); }

}  // namespace

Window::Window(int width, int height, int frame_width, int frame_height, const std::string& title) {
  glfwSetErrorCallback(onGlfwError);
  if (!glfwInit())
    throw WindowError("cannot open a window (" + lastGlfwError() + "); use --headless --out DIR without a display");
  if (!glfwVulkanSupported()) {
    glfwTerminate();
    throw WindowError("GLFW finds no Vulkan loader with surface support (libvulkan.so.1); install libvulkan1");
  }
  if (width <= 0 || height <= 0) {
    VkExtent2D fit = fitOnScreen(frame_width, frame_height);
    width = int(fit.width);
    height = int(fit.height);
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
  window_ = glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!window_) {
    std::string reason = lastGlfwError();
    glfwTerminate();
    throw WindowError("cannot create a window: " + reason);
  }
  glfwSetWindowUserPointer(window_, this);
  glfwSetCharCallback(window_, onChar);
  glfwSetKeyCallback(window_, onKey);
  glfwSetFramebufferSizeCallback(window_, onFramebufferSize);
}

Window::~Window() {
  if (window_) glfwDestroyWindow(window_);
  glfwTerminate();
}

std::vector<std::string> Window::requiredInstanceExtensions() const {
  uint32_t count = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&count);
  if (!names) throw WindowError("GLFW cannot present with Vulkan here: " + lastGlfwError());
  return std::vector<std::string>(names, names + count);
}

VkSurfaceKHR Window::createSurface(VkInstance instance) {
  VkSurfaceKHR surface = VK_NULL_HANDLE;
  VkResult r = glfwCreateWindowSurface(instance, window_, nullptr, &surface);
  if (r != VK_SUCCESS) throw WindowError("cannot create a Vulkan surface for the window: " + lastGlfwError());
  return surface;
}

VkExtent2D Window::framebufferSize() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return {uint32_t(std::max(w, 0)), uint32_t(std::max(h, 0))};
}

bool Window::minimised() const {
  VkExtent2D size = framebufferSize();
  return glfwGetWindowAttrib(window_, GLFW_ICONIFIED) || size.width == 0 || size.height == 0;
}

bool Window::shouldClose() const { return glfwWindowShouldClose(window_); }
void Window::requestClose() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }
void Window::setSize(int width, int height) { glfwSetWindowSize(window_, width, height); }

bool Window::iconify() {
  glfwIconifyWindow(window_);
  // The window manager minimises it a moment later; waiting here means the
  // caller's next step (a script's next frame) certainly comes after.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!minimised() && std::chrono::steady_clock::now() < give_up) glfwWaitEventsTimeout(0.05);
  return minimised();
}

void Window::restore() { glfwRestoreWindow(window_); }
void Window::setTitle(const std::string& title) { glfwSetWindowTitle(window_, title.c_str()); }
void Window::poll() { glfwPollEvents(); }
void Window::waitEvents(double seconds) { glfwWaitEventsTimeout(seconds); }

std::vector<Action> Window::takeActions() {
  std::vector<Action> out;
  out.swap(actions_);
  return out;
}

bool Window::takeResized() {
  bool r = resized_;
  resized_ = false;
  return r;
}

VkExtent2D Window::fitOnScreen(int frame_width, int frame_height) {
  int x = 0, y = 0, w = 1280, h = 800;
  if (GLFWmonitor* monitor = glfwGetPrimaryMonitor()) glfwGetMonitorWorkarea(monitor, &x, &y, &w, &h);
  if (frame_width <= 0 || frame_height <= 0) return {800, 600};
  float scale = std::min({0.8f * float(w) / float(frame_width), 0.8f * float(h) / float(frame_height), 1.0f});
  return {uint32_t(std::max(160.0f, float(frame_width) * scale)), uint32_t(std::max(120.0f, float(frame_height) * scale))};
}

void Window::onChar(GLFWwindow* window, unsigned codepoint) {
  if (auto action = actionForCharacter(codepoint)) owner(window).actions_.push_back(*action);
}

void Window::onKey(GLFWwindow* window, int key, int /*scancode*/, int action, int /*mods*/) {
  if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
  if (key == GLFW_KEY_ESCAPE) owner(window).actions_.push_back(Action::Quit);
  if (key == GLFW_KEY_RIGHT) owner(window).actions_.push_back(Action::NextImage);
}

void Window::onFramebufferSize(GLFWwindow* window, int /*width*/, int /*height*/) { owner(window).resized_ = true; }

}  // namespace vkpose::view
