#include "bench/environment.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

namespace vkpose::bench {

namespace {

std::string deviceTypeName(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
    default: return "other";
  }
}

std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown";
}

std::string nowUtc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

std::string shellCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                   "-_./=:,+@%") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

Environment describeEnvironment(Context& ctx, const std::vector<std::string>& argv) {
  const Capabilities& caps = ctx.caps();
  Environment e;
  e.device = caps.device_name;
  e.device_type = deviceTypeName(caps.device_type);
  e.driver_name = caps.driver_name;
  e.driver_info = caps.driver_info;
  e.driver_version = caps.driverVersionText();
  e.vulkan_version = caps.apiVersionText();
  e.vendor_id = caps.vendor_id;
  e.device_id = caps.device_id;
  e.timestamps = caps.timestamps;
  e.validation = ctx.validationEnabled();
  e.date_utc = nowUtc();
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0) e.host = host;
  e.cpu = cpuModel();
  e.cpu_threads = int(std::thread::hardware_concurrency());
  e.command_line = shellCommand(argv);
  e.vkpose_version = VKPOSE_BENCH_VERSION;
  return e;
}

}  // namespace vkpose::bench
