// Naive double-precision CPU execution of a converter graph, built on the
// reference ops: the converter tests run a graph before and after a pass and
// compare. It runs OIHW weights only; the kernels' C4 layouts are checked
// against the packers instead, so a C4 node is refused with an error.
#pragma once

#include <cstdint>
#include <map>

#include "converter/ir.h"
#include "tests/reference/reference_ops.h"

namespace vkpose::test {

using OutputsByRole = std::map<convert::OutputRole, ref::Tensor>;

// Runs every node in order on `input` (channels must match the graph input)
// and returns each graph output by role. Same* padding is resolved for the
// actual input size. Throws std::invalid_argument naming the node for what it
// cannot run (C4 weights, dilated pools) and ConvertError for invalid graphs.
OutputsByRole executeGraph(const convert::Graph& graph, const ref::Tensor& input);

// executeGraph on randomTensor(the graph's input channels, h, w, seed).
OutputsByRole executeOnRandomInput(const convert::Graph& graph, int h, int w, std::uint32_t seed);

// max |expected - actual| over all roles, divided by max |expected|. Throws
// std::invalid_argument when the roles or shapes differ.
double maxRelativeDifference(const OutputsByRole& expected, const OutputsByRole& actual);

// c x h x w values drawn uniformly from [-1, 1].
ref::Tensor randomTensor(int c, int h, int w, std::uint32_t seed);

}  // namespace vkpose::test
