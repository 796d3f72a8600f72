// vkpose-startup-probe: how much of cold start is the driver's own. Times a
// bare VkInstance and VkDevice (no extensions, no features, one compute
// queue), created and destroyed --rounds times in one process, then
// vkpose's Context (its extensions and features, also one queue) in the
// same process. If a bare first device takes as long as vkpose's, the time
// is the driver's floor; if later rounds are fast, it is paid once per
// process.
// docs/benchmarks.md says more.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/timed.h"
#include "engine/validation.h"
#include "engine/vulkan_api.h"
#include "tools/cli_args.h"

namespace vkpose::bench {
namespace {

struct BareTimes {
  double instance = 0, enumerate = 0, device = 0, destroy = 0;
};

// The validation layer and a messenger when VKPOSE_VALIDATION asks, as the
// tests run every tool; the figures are meant to be taken without.
class BareInstance {
 public:
  BareInstance(bool validation, ValidationLog& log) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.apiVersion = VK_API_VERSION_1_1;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    const char* layer = kValidationLayerName;
    const char* extension = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    if (validation) {
      info.enabledLayerCount = info.enabledExtensionCount = 1;
      info.ppEnabledLayerNames = &layer;
      info.ppEnabledExtensionNames = &extension;
    }
    VKPOSE_VK(vkCreateInstance(&info, nullptr, &instance_));
    if (validation) createMessenger(log);
  }
  ~BareInstance() {
    if (messenger_) destroy_messenger_(instance_, messenger_, nullptr);
    vkDestroyInstance(instance_, nullptr);
  }
  BareInstance(const BareInstance&) = delete;
  BareInstance& operator=(const BareInstance&) = delete;
  VkInstance handle() const { return instance_; }

 private:
  void createMessenger(ValidationLog& log) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    destroy_messenger_ = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    VkDebugUtilsMessengerCreateInfoEXT info = messengerCreateInfo(&log);
    if (!create || !destroy_messenger_) throw Error("the validation layer has no debug utils messenger");
    VKPOSE_VK(create(instance_, &info, nullptr, &messenger_));
  }

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger_ = nullptr;
};

uint32_t computeFamily(VkPhysicalDevice physical) {
  uint32_t count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  for (uint32_t i = 0; i < count; ++i)
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return i;
  throw Error("the first device has no compute queue");
}

std::vector<VkPhysicalDevice> physicalDevices(VkInstance instance) {
  uint32_t count = 0;
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
  if (count == 0) throw Error("no Vulkan device");
  std::vector<VkPhysicalDevice> devices(count);
  VKPOSE_VK(vkEnumeratePhysicalDevices(instance, &count, devices.data()));
  return devices;
}

BareTimes bareRound(bool validation, ValidationLog& log) {
  BareTimes t;
  std::unique_ptr<BareInstance> instance;
  timed(t.instance, [&] { instance = std::make_unique<BareInstance>(validation, log); });
  std::vector<VkPhysicalDevice> devices;
  timed(t.enumerate, [&] { devices = physicalDevices(instance->handle()); });
  float priority = 1.f;
  VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue.queueFamilyIndex = computeFamily(devices[0]);
  queue.queueCount = 1;
  queue.pQueuePriorities = &priority;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue;
  VkDevice device = VK_NULL_HANDLE;
  timed(t.device, [&] { VKPOSE_VK(vkCreateDevice(devices[0], &info, nullptr, &device)); });
  timed(t.destroy, [&] {
    vkDestroyDevice(device, nullptr);
    instance.reset();
  });
  return t;
}

int parseRounds(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int rounds = 2;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--rounds") throw std::invalid_argument("unknown argument '" + args[i] + "'");
    rounds = cli_args::parseNumber<int>(args[i], cli_args::valueAfter(args, i));
    if (rounds < 1 || rounds > 100) throw std::invalid_argument("--rounds must lie in 1..100, got " + args[i]);
  }
  return rounds;
}

int run(int rounds) {
  double loader_ms = 0;
  timed(loader_ms, [] { loadVulkan(); });
  std::printf("loader: %.1f ms\n", loader_ms);
  ValidationSetting validation = validationSettingFromEnvironment();
  ValidationLog log;
  std::printf("%-28s %10s %10s %10s %10s\n", "ms", "instance", "enumerate", "device", "destroy");
  for (int r = 1; r <= rounds; ++r) {
    BareTimes t = bareRound(validation.enabled, log);
    std::printf("%-28s %10.1f %10.1f %10.1f %10.1f\n", ("bare, round " + std::to_string(r)).c_str(), t.instance,
                t.enumerate, t.device, t.destroy);
  }
  ContextOptions options;
  options.pipeline_cache_path = "";
  options.frame_queues = 1;  // as the bare device: each extra queue costs creation time of its own
  auto ctx = Context::create(options);
  const ContextCreationTimes& c = ctx->creationTimes();
  std::printf("%-28s %10.1f %10.1f %10.1f %10s\n", "vkpose Context, 1 queue", c.instance, c.physical_device,
              c.device, "-");
  std::printf("device: %s\n", ctx->caps().device_name.c_str());
  size_t messages = log.count() + ctx->validationLog().count();
  if (messages > 0) {
    std::fprintf(stderr, "vkpose-startup-probe: %zu validation messages\n", messages);
    return 3;
  }
  return 0;
}

}  // namespace
}  // namespace vkpose::bench

int main(int argc, char** argv) {
  try {
    return vkpose::bench::run(vkpose::bench::parseRounds(argc, argv));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "vkpose-startup-probe: %s (usage: vkpose-startup-probe [--rounds 2])\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose-startup-probe: %s\n", e.what());
    return 1;
  }
}
