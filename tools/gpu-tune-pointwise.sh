#!/usr/bin/env bash
# Runs on the GPU machine (bundle from tools/gpu-bundle.sh): vkpose-bench at
# a few input sizes once per pointwise tiling given as
# pixels,oc4_block,workgroup[,max_k_split[,min_slice]]
# (VKPOSE_POINTWISE_TILING, runtime/ops/pointwise.cpp), so the device's best
# tiling can be chosen from measurements. Writes tune-*.txt to $OUT.
#   bash tools/gpu-tune-pointwise.sh "257,513" "4,4,64" "1,1,64" "2,1,64"
set -uo pipefail
out=${OUT:-/tmp/vkpose-out}
mkdir -p "$out"
bundle=.gpu-bundle
sizes=$1
shift
if ! "$bundle/vkpose-info" >/dev/null 2>&1 && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
export VKPOSE_VALIDATION=0 VKPOSE_PIPELINE_CACHE=/tmp/vkpose-tune-cache.bin
for tiling in "$@"; do
  echo "== pointwise tiling $tiling"
  VKPOSE_POINTWISE_TILING=$tiling "$bundle/vkpose-bench" --model "$bundle/posenet.vkpose" --sizes "$sizes" \
    --iterations 100 --no-cold-start --no-per-layer >"$out/tune-${tiling//,/-}.txt" 2>/dev/null
  grep -E "^ +[0-9]+ +[0-9]+x[0-9]+ " "$out/tune-${tiling//,/-}.txt" | head -n 8
done
