#!/usr/bin/env bash
# Runs vkpose-bench from the bundle (tools/gpu-bundle.sh) on the GPU machine,
# from the repo root: first a short run with the validation layer on (any
# validation message fails it), then the measured run with validation off.
# Writes bench.txt (the table), bench.json, bench.png and the logs to $OUT.
# Extra arguments go to the measured run, e.g.
#   bash tools/gpu-bench.sh --sizes 257,513 --iterations 200 --compare-onnxruntime
set -uo pipefail
out=${OUT:-/tmp/vkpose-out}
mkdir -p "$out"
bundle=${VKPOSE_BUNDLE:-.gpu-bundle}  # the bundle folder (tools/gpu-bundle.sh)
bash "$(dirname "$0")/gpu-unpack.sh" "$bundle" || { echo "cannot unpack $bundle" >&2; exit 1; }
bench="$bundle/vkpose-bench"
[ -x "$bench" ] || { echo "gpu-bench: $bench is missing (run tools/gpu-bundle.sh on the build machine)" >&2; exit 1; }
export VKPOSE_PIPELINE_CACHE=${VKPOSE_PIPELINE_CACHE:-/tmp/vkpose-pipeline-cache.bin}
if ! "$bundle/vkpose-info" >/dev/null 2>&1 && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader >"$out/gpu.txt" 2>/dev/null

echo "== validation run (VKPOSE_VALIDATION=1, 129 and 257, 5 frames)"
VKPOSE_VALIDATION=1 "$bench" --model "$bundle/posenet.vkpose" --sizes 129,257 --iterations 5 --warmup 1 \
  --cold-start-size 129 >"$out/bench-validation.txt" 2>"$out/bench-validation.log"
rc=$?
tail -n 2 "$out/bench-validation.log"
if [ $rc -ne 0 ] || grep -q "\[vulkan " "$out/bench-validation.log"; then
  echo "gpu-bench: the validation run failed (exit status $rc); see bench-validation.log" >&2
  exit 1
fi

echo "== measured run (validation off): vkpose-bench $*"
VKPOSE_VALIDATION=0 "$bench" --model "$bundle/posenet.vkpose" --json "$out/bench.json" --plot "$out/bench.png" "$@" \
  2>"$out/bench.log" | tee "$out/bench.txt"
rc=${PIPESTATUS[0]}
[ $rc -eq 0 ] || { tail -n 5 "$out/bench.log" >&2; echo "gpu-bench: vkpose-bench failed (exit status $rc)" >&2; }
exit $rc
