// vkpose-info: which Vulkan device vkpose would use and what it can do.
// Exit status: 0 on success, 1 when no usable device (or loader) is found.
#include <cstdio>
#include <cstring>
#include <exception>

#include "engine/context.h"
#include "engine/error.h"
#include "engine/pipeline_cache.h"
#include "shader_registry.h"

namespace {

void printChoice(const vkpose::Context& ctx) {
  std::printf("vkpose-info\n");
  std::printf("%s", ctx.caps().describe().c_str());
  std::printf("validation:        %s\n", ctx.validationEnabled() ? "on" : "off");
  std::printf("embedded shaders:  %zu SPIR-V variants\n", vkpose::shaders::all().size());
  const auto& rejected = ctx.deviceChoice().rejected;
  if (!rejected.empty()) std::printf("other devices:\n%s", ctx.deviceChoice().describeRejections().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
      std::printf("usage: vkpose-info\n  Prints the Vulkan device vkpose selects and its capabilities.\n"
                  "  VKPOSE_DEVICE=<index|name substring> overrides the choice; VKPOSE_VALIDATION=1 enables validation.\n");
      return 0;
    }
    std::fprintf(stderr, "vkpose-info: unknown argument '%s' (try --help)\n", argv[i]);
    return 2;
  }
  try {
    vkpose::ContextOptions options;
    options.pipeline_cache_path = "";  // read-only tool: leave the user's cache alone
    auto ctx = vkpose::Context::create(options);
    printChoice(*ctx);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vkpose-info: %s\n", e.what());
    return 1;
  }
}
