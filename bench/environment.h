// Where and how a bench run happened: device, driver, Vulkan version, host,
// date and the exact command line, recorded with every figure.
#pragma once

#include <string>
#include <vector>

#include "bench/results.h"
#include "engine/context.h"

namespace vkpose::bench {

Environment describeEnvironment(Context& ctx, const std::vector<std::string>& argv);
// The arguments joined as a POSIX shell would need them quoted.
std::string shellCommand(const std::vector<std::string>& argv);

}  // namespace vkpose::bench
