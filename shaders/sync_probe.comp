#version 450
// Synchronisation probe (bench/sync_probe.cpp, docs/benchmarks.md): how much
// GPU time it costs to order one phase of work after another, by a pipeline
// barrier between dispatches or by a grid-wide barrier inside one dispatch.
//
// Each phase copies a ping-pong array, element i reading the element one
// workgroup-width further on, written by another workgroup in the phase
// before, plus one: after P phases from zeros every element must be P, which
// holds only if each phase saw all of the previous one's stores.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

layout(std430, binding = 0) coherent buffer Data { uint data[]; };
// arrivals[0]: workgroups that reached a grid barrier, over all phases so far;
// arrivals[1]: waits that gave up (the device did not keep every workgroup of
// the dispatch running, which Vulkan does not promise): the result is then wrong
// but the GPU does not hang.
layout(std430, binding = 1) coherent volatile buffer Arrivals { uint arrivals[]; };

layout(push_constant) uniform Push {
  uint first_phase;
  uint phases;
  uint grid_barrier;  // 0: phases follow each other unordered
  uint spin_limit;
} p;

uint elementCount() { return gl_NumWorkGroups.x * gl_WorkGroupSize.x; }

void runPhase(uint phase) {
  uint n = elementCount();
  uint i = gl_GlobalInvocationID.x;
  uint from = (i + gl_WorkGroupSize.x) % n;
  data[((phase + 1) & 1u) * n + i] = data[(phase & 1u) * n + from] + 1u;
}

void gridBarrier(uint phases_done) {
  memoryBarrierBuffer();
  barrier();
  if (gl_LocalInvocationIndex == 0) {
    atomicAdd(arrivals[0], 1u);
    uint target = phases_done * gl_NumWorkGroups.x;
    uint spins = 0;
    while (arrivals[0] < target) {
      if (++spins == p.spin_limit) {
        atomicAdd(arrivals[1], 1u);
        break;
      }
    }
  }
  barrier();
  memoryBarrierBuffer();
}

void main() {
  for (uint k = 0; k < p.phases; ++k) {
    runPhase(p.first_phase + k);
    if (p.grid_barrier != 0 && k + 1 < p.phases) gridBarrier(k + 1);
  }
}
