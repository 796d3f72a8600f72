#!/usr/bin/env bash
# Collects the GPU-side binaries (tests, vkpose-info, vkpose-bench and the two probes) of a release build into
# .gpu-bundle/, stripped, for a machine that has a Vulkan driver but no build
# tools: they link only libvulkan and the C/C++ runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
command -v xz >/dev/null || { echo "gpu-bundle: xz is missing (apt-get install xz-utils)" >&2; exit 1; }
rm -rf .gpu-bundle && mkdir -p .gpu-bundle
# GPU-side tests only: the converter's tests are offline and link protobuf.
binaries=("$build"/tests/validation_canary "$build"/tools/vkpose-info "$build"/bench/vkpose-bench "$build"/bench/vkpose-sync-probe
          "$build"/bench/vkpose-startup-probe)
# Test binaries that never create a device are left out too: they run here
# already, and the device tool carries at most 64 MiB with the source tree.
cpu_only=(test_model_load test_model_validate test_shapes test_summary test_weight_layout test_reference_ops
          test_memory_plan test_suballocator test_frame_mapping test_parallel_copy test_model_reference test_device_select)
isCpuOnly() {
  local n
  for n in "${cpu_only[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}
for src in tests/engine/test_*.cpp tests/ops/test_*.cpp tests/model/test_*.cpp tests/reference/test_*.cpp \
           tests/runtime/test_*.cpp; do
  name=$(basename "$src" .cpp)
  isCpuOnly "$name" || binaries+=("$build/tests/$name")
done
for f in "${binaries[@]}"; do
  [ -x "$f" ] || { echo "gpu-bundle: $f is missing (build first)" >&2; exit 1; }
  strip -o ".gpu-bundle/$(basename "$f")" "$f"
done
cp tools/gpu-verify.sh tools/gpu-bench.sh tools/gpu-unpack.sh .gpu-bundle/
# The real-model tests read a converted model and the committed photos/golden files.
"$build/converter/vkpose-convert" models/posenet-mobilenet-v1-075.onnx -o .gpu-bundle/posenet.vkpose >/dev/null
for f in .gpu-bundle/*; do
  if ldd "$f" 2>/dev/null | grep -Ev 'libvulkan|libdl\.|libstdc\+\+|libm\.|libgcc_s|libc\.|ld-linux|linux-vdso' | grep -q '=>'; then
    echo "gpu-bundle: $f links more than libvulkan and the C/C++ runtime:" >&2; ldd "$f" >&2; exit 1
  fi
done
# Packed with xz (49 MiB -> 13): with the tree and .gl the carry must stay
# under 64 MiB. gpu-verify.sh and gpu-bench.sh unpack them (gpu-unpack.sh).
xz -T0 -6 -f "${binaries[@]/#*\//.gpu-bundle/}"
du -sh .gpu-bundle
