#!/usr/bin/env bash
# Runs on the GPU machine from the repo root: every test binary of the bundle
# with validation on, then the canary (which must fail). Writes logs to $OUT.
set -uo pipefail
out=${OUT:-/tmp/vkpose-out}
mkdir -p "$out"
bundle=.gpu-bundle
bash "$(dirname "$0")/gpu-unpack.sh" "$bundle" || { echo "cannot unpack $bundle" >&2; exit 1; }
export VKPOSE_VALIDATION=1 VKPOSE_PIPELINE_CACHE=/tmp/vkpose-pipeline-cache.bin
export VKPOSE_TEST_MODEL="$PWD/$bundle/posenet.vkpose" VKPOSE_TEST_DATA="$PWD/tests/data"
if ! "$bundle/vkpose-info" >/dev/null 2>&1 && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
"$bundle/vkpose-info" | tee "$out/info.txt" || exit 1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >>"$out/info.txt" 2>/dev/null
failed=()
for t in "$bundle"/test_*; do
  echo "== $(basename "$t")"
  "$t" --gtest_brief=1 >"$out/$(basename "$t").log" 2>&1
  rc=$?
  tail -n 3 "$out/$(basename "$t").log"
  [ $rc -eq 0 ] || failed+=("$(basename "$t")")
done
if "$bundle/validation_canary" >"$out/canary.log" 2>&1; then failed+=("validation_canary (passed but must fail)"); fi
grep -h "^\[  PASSED  \]\|^\[  SKIPPED \]\|^\[  FAILED  \]" "$out"/test_*.log | sort | uniq -c
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED: ${failed[*]}"; exit 1; fi
echo "ALL GPU TESTS PASSED"
