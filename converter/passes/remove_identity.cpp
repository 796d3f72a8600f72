// Identity nodes (and the no-op Reshape/Transpose the front ends map to them)
// cost a copy at run time and nothing else, so readers of an Identity's
// output read its input instead. A graph output produced by an Identity moves
// to the Identity's input tensor; the graph input is never renamed or moved.
#include <cstddef>
#include <string>
#include <vector>

#include "converter/passes/passes.h"
#include "converter/passes/rewrite.h"

namespace vkpose::convert {

namespace {

std::string rolesOf(const Graph& graph, int tensor) {
  std::string roles;
  for (const Output& output : graph.outputs)
    if (output.tensor == tensor) roles += std::string(roles.empty() ? "" : ", ") + outputRoleName(output.role);
  return roles;
}

std::string describeRemoval(const Graph& graph, const Node& identity) {
  const std::string& from = graph.tensors[size_t(identity.output)].name;
  const std::string& to = graph.tensors[size_t(identity.inputs[0])].name;
  std::string line =
      "remove_identity: removed " + quoted(identity) + ", readers of '" + from + "' now read '" + to + "'";
  std::string roles = rolesOf(graph, identity.output);
  if (!roles.empty()) line += "; output " + roles + " is now '" + to + "'";
  return line;
}

}  // namespace

void removeIdentity(Graph& graph, Log& log) {
  validateGraph(graph);
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) erase[i] = graph.nodes[i].kind == OpKind::Identity;

  // In topological order, so a chain of Identities collapses onto the first
  // one's input: each rewire also updates the later Identities' inputs.
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!erase[i]) continue;
    const Node& identity = graph.nodes[i];
    log.verbose(describeRemoval(graph, identity));
    replaceUses(graph, identity.output, identity.inputs[0]);
  }
  eraseNodes(graph, erase);
}

}  // namespace vkpose::convert
