#include "engine/context.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine/error.h"
#include "engine/pipeline_cache.h"
#include "engine/timed.h"

namespace vkpose {

namespace {

bool instanceLayerAvailable(const char* name) {
  uint32_t count = 0;
  if (vkEnumerateInstanceLayerProperties(&count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(count);
  vkEnumerateInstanceLayerProperties(&count, layers.data());
  for (const auto& l : layers)
    if (std::strcmp(l.layerName, name) == 0) return true;
  return false;
}

uint32_t loaderApiVersion() {
  uint32_t version = VK_API_VERSION_1_0;
  auto enumerate = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
      vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
  if (enumerate) enumerate(&version);
  return version;
}

std::vector<VkQueueFamilyProperties> queueFamilies(VkPhysicalDevice physical) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  return families;
}

std::optional<uint32_t> computeQueueFamily(VkPhysicalDevice physical) {
  std::vector<VkQueueFamilyProperties> families = queueFamilies(physical);
  // Prefer a compute-only family: it often runs asynchronously to graphics.
  std::optional<uint32_t> any;
  for (uint32_t i = 0; i < uint32_t(families.size()); ++i) {
    if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    if (!(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) && families[i].timestampValidBits > 0) return i;
    if (!any) any = i;
  }
  return any;
}

DeviceSnapshot snapshotOf(VkPhysicalDevice physical, uint32_t index) {
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physical, &props);
  return {index, props.deviceName, props.deviceType, props.apiVersion, computeQueueFamily(physical).has_value()};
}

void checkExternalDevice(const ExternalDevice& external) {
  if (!external.instance || !external.physical_device || !external.device || !external.queue)
    throw Error("ExternalDevice: instance, physical_device, device and queue must all be set");
  std::vector<VkQueueFamilyProperties> families = queueFamilies(external.physical_device);
  uint32_t count = uint32_t(families.size());
  if (external.queue_family >= count)
    throw Error("ExternalDevice: queue family " + std::to_string(external.queue_family) +
                " does not exist (the device has " + std::to_string(count) + ")");
  if (!(families[external.queue_family].queueFlags & VK_QUEUE_COMPUTE_BIT))
    throw Error("ExternalDevice: queue family " + std::to_string(external.queue_family) + " does not support compute");
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(external.physical_device, &props);
  if (props.apiVersion < VK_API_VERSION_1_1)
    throw Error(std::string("ExternalDevice: ") + props.deviceName + " supports only Vulkan 1.0; vkpose needs 1.1");
}

// What the host's vkCreateDevice pNext chain turned on.
struct EnabledFeatures {
  bool storage_16bit = false, float16 = false, storage_8bit = false, int8 = false;
  bool memory_model = false, cooperative_matrix = false;
};

EnabledFeatures enabledFeatures(const VkPhysicalDeviceFeatures2* chain) {
  EnabledFeatures on;
  if (!chain) return on;
  for (auto* s = reinterpret_cast<const VkBaseInStructure*>(chain); s; s = s->pNext) {
    switch (s->sType) {
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES:
        on.storage_16bit |= reinterpret_cast<const VkPhysicalDeviceVulkan11Features*>(s)->storageBuffer16BitAccess;
        break;
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES: {
        auto* v12 = reinterpret_cast<const VkPhysicalDeviceVulkan12Features*>(s);
        on.float16 |= v12->shaderFloat16;
        on.int8 |= v12->shaderInt8;
        on.storage_8bit |= v12->storageBuffer8BitAccess;
        on.memory_model |= v12->vulkanMemoryModel && v12->vulkanMemoryModelDeviceScope;
        break;
      }
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES: {
        auto* model = reinterpret_cast<const VkPhysicalDeviceVulkanMemoryModelFeatures*>(s);
        on.memory_model |= model->vulkanMemoryModel && model->vulkanMemoryModelDeviceScope;
        break;
      }
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV:
        on.cooperative_matrix |=
            reinterpret_cast<const VkPhysicalDeviceCooperativeMatrixFeaturesNV*>(s)->cooperativeMatrix;
        break;
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES:
        on.storage_16bit |= reinterpret_cast<const VkPhysicalDevice16BitStorageFeatures*>(s)->storageBuffer16BitAccess;
        break;
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES:
        on.storage_8bit |= reinterpret_cast<const VkPhysicalDevice8BitStorageFeatures*>(s)->storageBuffer8BitAccess;
        break;
      case VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES: {
        auto* f = reinterpret_cast<const VkPhysicalDeviceShaderFloat16Int8Features*>(s);
        on.float16 |= f->shaderFloat16;
        on.int8 |= f->shaderInt8;
        break;
      }
      default:
        break;
    }
  }
  return on;
}

bool listed(const std::vector<std::string>& extensions, const char* name) {
  for (const std::string& e : extensions)
    if (e == name) return true;
  return false;
}

// Using a feature the host did not enable is invalid usage, however capable
// the hardware: keep only what the host turned on.
void maskToEnabled(Capabilities& caps, const ExternalDevice& external) {
  EnabledFeatures on = enabledFeatures(external.enabled_features);
  caps.storage_16bit = caps.storage_16bit && on.storage_16bit;
  caps.float16_arith = caps.float16_arith && on.float16;
  caps.storage_8bit = caps.storage_8bit && on.storage_8bit;
  caps.int8_arith = caps.int8_arith && on.int8;
  caps.vulkan_memory_model = caps.vulkan_memory_model && on.memory_model;
  caps.cooperative_matrix_nv = caps.cooperative_matrix_nv && on.cooperative_matrix &&
                               listed(external.enabled_extensions, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
  caps.cooperative_matrix_khr =
      caps.cooperative_matrix_khr && listed(external.enabled_extensions, "VK_KHR_cooperative_matrix");
  if (!caps.cooperative_matrix_nv && !caps.cooperative_matrix_khr) caps.cooperative_matrix_shapes.clear();
  if (!listed(external.enabled_extensions, VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME)) caps.host_import_alignment = 0;
  caps.subgroup_size_control =
      caps.subgroup_size_control && (caps.api_version >= VK_API_VERSION_1_3 ||
                                     listed(external.enabled_extensions, VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME));
}

}  // namespace

std::string defaultPipelineCachePath() {
  if (const char* env = std::getenv("VKPOSE_PIPELINE_CACHE")) return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/vkpose/pipeline-cache.bin";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/vkpose/pipeline-cache.bin";
  return {};
}

std::unique_ptr<Context> Context::create(const ContextOptions& options) {
  if (options.frame_queues && (*options.frame_queues < 1 || *options.frame_queues > kMaxFrameQueues))
    throw Error("ContextOptions: frame_queues " + std::to_string(*options.frame_queues) + " is outside 1.." +
                std::to_string(kMaxFrameQueues));
  ContextCreationTimes times;
  timed(times.loader, [] { loadVulkan(); });
  std::unique_ptr<Context> ctx(new Context());
  ValidationSetting validation = validationSettingFromEnvironment();
  if (options.validation) validation = {*options.validation, *options.validation};
  std::string device_spec = options.device;
  if (device_spec.empty())
    if (const char* env = std::getenv("VKPOSE_DEVICE")) device_spec = env;

  timed(times.instance, [&] { ctx->createInstance(validation.enabled, validation.required); });
  timed(times.physical_device, [&] { ctx->pickPhysicalDevice(device_spec); });
  timed(times.device, [&] { ctx->createDevice(options.frame_queues.value_or(kMaxFrameQueues)); });
  timed(times.services, [&] { ctx->createServices(options); });
  ctx->creation_times_ = times;
  return ctx;
}

std::unique_ptr<Context> Context::adopt(const ExternalDevice& external, const ContextOptions& options) {
  loadVulkan();
  std::unique_ptr<Context> ctx(new Context());
  ctx->adoptHandles(external);
  timed(ctx->creation_times_.services, [&] { ctx->createServices(options); });
  return ctx;
}

void Context::createServices(const ContextOptions& options) {
  VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VKPOSE_VK(vkCreateFence(device_, &fence_info, nullptr, &fence_));
  allocator_ = std::make_unique<Allocator>(physical_, device_);
  pipeline_cache_ =
      std::make_unique<PipelineCache>(device_, caps_, options.pipeline_cache_path.value_or(defaultPipelineCachePath()));
}

void Context::adoptHandles(const ExternalDevice& external) {
  checkExternalDevice(external);
  owns_device_ = false;
  instance_ = external.instance;
  physical_ = external.physical_device;
  device_ = external.device;
  queue_ = external.queue;
  frame_queues_ = {queue_};
  queue_family_ = external.queue_family;
  caps_ = queryCapabilities(instance_, physical_, queue_family_);
  maskToEnabled(caps_, external);
  choice_.index = 0;
}

void Context::createInstance(bool validation, bool validation_required) {
  if (validation && !instanceLayerAvailable(kValidationLayerName)) {
    if (validation_required)
      throw Error(std::string("validation requested (VKPOSE_VALIDATION) but ") + kValidationLayerName +
                  " is not installed (Debian: vulkan-validationlayers)");
    validation = false;
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "vkpose";
  app.pEngineName = "vkpose";
  app.apiVersion = std::min(loaderApiVersion(), uint32_t(VK_API_VERSION_1_3));
  if (app.apiVersion < VK_API_VERSION_1_1)
    throw Error("the Vulkan loader supports only Vulkan 1.0; vkpose needs 1.1 or newer");

  std::vector<const char*> layers, extensions;
  VkDebugUtilsMessengerCreateInfoEXT messenger_info = messengerCreateInfo(&validation_log_);
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  if (validation) {
    layers.push_back(kValidationLayerName);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    info.pNext = &messenger_info;  // also catches messages from vkCreate/DestroyInstance
  }
  info.pApplicationInfo = &app;
  info.enabledLayerCount = uint32_t(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = uint32_t(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VkResult r = vkCreateInstance(&info, nullptr, &instance_);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
    throw Error(
        "no Vulkan driver found (VK_ERROR_INCOMPATIBLE_DRIVER); install a Vulkan driver such as mesa-vulkan-drivers");
  VKPOSE_VK(r);
  if (validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    VKPOSE_VK(create(instance_, &messenger_info, nullptr, &messenger_));
  }
}

void Context::pickPhysicalDevice(const std::string& override_spec) {
  uint32_t count = 0;
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance_, &count, nullptr));
  std::vector<VkPhysicalDevice> devices(count);
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance_, &count, devices.data()));
  std::vector<DeviceSnapshot> snapshots;
  for (uint32_t i = 0; i < count; ++i) snapshots.push_back(snapshotOf(devices[i], i));
  choice_ = chooseDevice(snapshots, override_spec);
  if (!choice_.index) {
    std::string detail = choice_.describeRejections();
    throw Error(choice_.error + (detail.empty() ? "" : ":\n" + detail));
  }
  physical_ = devices[*choice_.index];
  queue_family_ = computeQueueFamily(physical_).value();
  caps_ = queryCapabilities(instance_, physical_, queue_family_);
}

void Context::createDevice(uint32_t max_queues) {
  uint32_t queue_count = std::clamp(queueFamilies(physical_)[queue_family_].queueCount, 1u, max_queues);
  std::vector<float> priorities(queue_count, 1.0f);
  VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue_info.queueFamilyIndex = queue_family_;
  queue_info.queueCount = queue_count;
  queue_info.pQueuePriorities = priorities.data();

  // Enable exactly the optional features the capability snapshot found.
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan11Features v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDeviceVulkan12Features v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDevice16BitStorageFeatures storage16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  if (caps_.api_version >= VK_API_VERSION_1_2) {
    v11.storageBuffer16BitAccess = caps_.storage_16bit;
    v12.shaderFloat16 = caps_.float16_arith;
    v12.storageBuffer8BitAccess = caps_.storage_8bit;
    v12.shaderInt8 = caps_.int8_arith;
    v12.vulkanMemoryModel = caps_.vulkan_memory_model;
    v12.vulkanMemoryModelDeviceScope = caps_.vulkan_memory_model;
    v12.hostQueryReset = VK_FALSE;
    features.pNext = &v11;
    v11.pNext = &v12;
  } else {
    storage16.storageBuffer16BitAccess = caps_.storage_16bit;
    features.pNext = &storage16;
  }
  VkPhysicalDeviceCooperativeMatrixFeaturesNV coopmat{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
  if (caps_.cooperative_matrix_nv) {
    coopmat.cooperativeMatrix = VK_TRUE;
    coopmat.pNext = features.pNext;
    features.pNext = &coopmat;
  }
  std::vector<const char*> extensions = optionalDeviceExtensions(deviceExtensions(physical_));

  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &features;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue_info;
  info.enabledExtensionCount = uint32_t(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VKPOSE_VK(vkCreateDevice(physical_, &info, nullptr, &device_));
  frame_queues_.resize(queue_count);
  for (uint32_t i = 0; i < queue_count; ++i) vkGetDeviceQueue(device_, queue_family_, i, &frame_queues_[i]);
  queue_ = frame_queues_.front();
}

void Context::submitAndWait(VkCommandBuffer cmd) {
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  VKPOSE_VK(vkResetFences(device_, 1, &fence_));
  VKPOSE_VK(vkQueueSubmit(queue_, 1, &submit, fence_));
  VKPOSE_VK(vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX));
}

Context::~Context() {
  // A host's device may be busy with the host's own work: wait only for ours.
  if (device_ && owns_device_) vkDeviceWaitIdle(device_);
  pipeline_cache_.reset();  // saves to disk while the device still exists
  allocator_.reset();
  if (fence_) vkDestroyFence(device_, fence_, nullptr);
  if (!owns_device_) return;
  if (device_) vkDestroyDevice(device_, nullptr);
  if (messenger_) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    destroy(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

}  // namespace vkpose
