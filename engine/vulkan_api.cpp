#include "engine/vulkan_api.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "engine/error.h"

#define VKPOSE_DEFINE_VULKAN_FUNCTION(name) PFN_##name name = nullptr;
VKPOSE_VULKAN_FUNCTIONS(VKPOSE_DEFINE_VULKAN_FUNCTION)
#undef VKPOSE_DEFINE_VULKAN_FUNCTION

namespace vkpose {

namespace {

#ifdef __ANDROID__
constexpr const char* kDefaultLoader = "libvulkan.so";
#else
constexpr const char* kDefaultLoader = "libvulkan.so.1";
#endif

// Returns why loading failed, or empty. The library is never closed: drivers
// keep state until process exit.
std::string loadAll() {
  const char* env = std::getenv("VKPOSE_VULKAN_LIBRARY");
  std::string path = env && *env ? env : kDefaultLoader;
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library)
    return "cannot load the Vulkan loader " + path + " (" + dlerror() +
           "); install the Vulkan loader (Debian: libvulkan1) and a driver (e.g. mesa-vulkan-drivers)";
  std::string missing;
#define VKPOSE_RESOLVE_VULKAN_FUNCTION(name)                             \
  name = reinterpret_cast<PFN_##name>(dlsym(library, #name));           \
  if (!name) missing += " " #name;
  VKPOSE_VULKAN_FUNCTIONS(VKPOSE_RESOLVE_VULKAN_FUNCTION)
#undef VKPOSE_RESOLVE_VULKAN_FUNCTION
  if (!missing.empty()) return "the Vulkan loader " + path + " lacks" + missing + " (vkpose needs Vulkan 1.1 or newer)";
  return {};
}

}  // namespace

void loadVulkan() {
  static const std::string error = loadAll();  // once per process, thread-safe
  if (!error.empty()) throw Error(error);
}

}  // namespace vkpose
