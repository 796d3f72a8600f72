#!/usr/bin/env bash
# Collects the GPU-side binaries (tests, vkpose-info, vkpose-bench, vkpose-sync-probe) of a release build into
# .gpu-bundle/, stripped, for a machine that has a Vulkan driver but no build
# tools: they link only libvulkan and the C/C++ runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
rm -rf .gpu-bundle && mkdir -p .gpu-bundle
# GPU-side tests only: the converter's tests are offline and link protobuf.
binaries=("$build"/tests/validation_canary "$build"/tools/vkpose-info "$build"/bench/vkpose-bench "$build"/bench/vkpose-sync-probe)
for src in tests/engine/test_*.cpp tests/ops/test_*.cpp tests/model/test_*.cpp tests/reference/test_*.cpp \
           tests/runtime/test_*.cpp; do
  binaries+=("$build/tests/$(basename "$src" .cpp)")
done
for f in "${binaries[@]}"; do
  [ -x "$f" ] || { echo "gpu-bundle: $f is missing (build first)" >&2; exit 1; }
  strip -o ".gpu-bundle/$(basename "$f")" "$f"
done
cp tools/gpu-verify.sh tools/gpu-bench.sh .gpu-bundle/
# The real-model tests read a converted model and the committed photos/golden files.
"$build/converter/vkpose-convert" models/posenet-mobilenet-v1-075.onnx -o .gpu-bundle/posenet.vkpose >/dev/null
for f in .gpu-bundle/*; do
  if ldd "$f" 2>/dev/null | grep -Ev 'libvulkan|libdl\.|libstdc\+\+|libm\.|libgcc_s|libc\.|ld-linux|linux-vdso' | grep -q '=>'; then
    echo "gpu-bundle: $f links more than libvulkan and the C/C++ runtime:" >&2; ldd "$f" >&2; exit 1
  fi
done
du -sh .gpu-bundle
