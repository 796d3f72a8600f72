#include "viewer/gpu/instance.h"

#include <algorithm>
#include <cstring>

#include "engine/error.h"

namespace vkpose::view {

namespace {

bool layerAvailable(const char* name) {
  uint32_t count = 0;
  if (vkEnumerateInstanceLayerProperties(&count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) { return !std::strcmp(l.layerName, name); });
}

uint32_t loaderVersion() {
  auto enumerate = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
      vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
  uint32_t version = VK_API_VERSION_1_0;
  if (enumerate) enumerate(&version);
  return version;
}

}  // namespace

GpuInstance::GpuInstance(const std::vector<std::string>& extensions, ValidationLog& log) : log_(log) {
  loadVulkan();
  ValidationSetting validation = validationSettingFromEnvironment();
  if (validation.enabled && !layerAvailable(kValidationLayerName)) {
    if (validation.required)
      throw Error(std::string("validation requested (VKPOSE_VALIDATION) but ") + kValidationLayerName +
                  " is not installed (Debian: vulkan-validationlayers)");
    validation.enabled = false;
  }
  api_version_ = std::min(loaderVersion(), uint32_t(VK_API_VERSION_1_3));
  if (api_version_ < VK_API_VERSION_1_1) throw Error("the Vulkan loader supports only Vulkan 1.0; vkpose needs 1.1");

  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "vkpose-view";
  app.pEngineName = "vkpose";
  app.apiVersion = api_version_;
  std::vector<const char*> names, layers;
  for (const std::string& e : extensions) names.push_back(e.c_str());
  VkDebugUtilsMessengerCreateInfoEXT messenger_info = messengerCreateInfo(&log_);
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  if (validation.enabled) {
    layers.push_back(kValidationLayerName);
    names.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    info.pNext = &messenger_info;  // also reports on vkCreateInstance/vkDestroyInstance
  }
  info.pApplicationInfo = &app;
  info.enabledLayerCount = uint32_t(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = uint32_t(names.size());
  info.ppEnabledExtensionNames = names.data();
  VkResult r = vkCreateInstance(&info, nullptr, &instance_);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
    throw Error("no Vulkan driver found (VK_ERROR_INCOMPATIBLE_DRIVER); install one such as mesa-vulkan-drivers");
  if (r == VK_ERROR_EXTENSION_NOT_PRESENT)
    throw Error("the Vulkan driver cannot present to this window system (a surface extension is missing)");
  VKPOSE_VK(r);
  if (validation.enabled) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    VKPOSE_VK(create(instance_, &messenger_info, nullptr, &messenger_));
  }
  if (!extensions.empty()) wsi_.load(instance_);
}

GpuInstance::~GpuInstance() {
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

}  // namespace vkpose::view
