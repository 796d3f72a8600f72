#!/usr/bin/env bash
# Runs on the GPU machine (bundle from tools/gpu-bundle.sh): vkpose-bench at
# a few input sizes once per value of one tuning variable, so the device's
# best setting can be chosen from measurements. Writes tune-*.txt to $OUT.
#   bash tools/gpu-tune.sh VKPOSE_POINTWISE_TILING 257,513 2,1,32,8,8 1,1,128
#     (pixels,oc4_block,workgroup[,max_k_split[,min_slice]], runtime/ops/pointwise.cpp)
#   bash tools/gpu-tune.sh VKPOSE_DWPW_TILING 257,513 4,4,32 8,4,32
#     (oc4_block,k_split,pixels, runtime/ops/dw_pointwise.cpp)
#   bash tools/gpu-tune.sh VKPOSE_FUSE_DWPW 257,513 0 1
#   bash tools/gpu-tune.sh VKPOSE_FUSE_PREPROCESS 257,513 0 1
#     (the first conv inside preprocessing; runtime/ops/preprocess.h)
#   bash tools/gpu-tune.sh VKPOSE_FIRST_CONV_SPLIT 161,257,513 1 2 3 6
#     (invocations sharing each of its output pixels; runtime/ops/preprocess.cpp)
#   bash tools/gpu-tune.sh VKPOSE_DW_TILE 257,513 8,4 2,1 1,1
#     (depthwise 3x3 output pixels per invocation at stride 1,2; runtime/ops/depthwise.h)
#   bash tools/gpu-tune.sh VKPOSE_WORKGROUP_2D 257,513 8,8 32,2 16,16
#   bash tools/gpu-tune.sh VKPOSE_WORKGROUP_1D 257,513 64 128 256
#     (workgroup sizes of conv2d, preprocessing and pool / depthwise and add;
#     runtime/ops/epilogue.h)
#   bash tools/gpu-tune.sh VKPOSE_LOAD_PATH 257,513 storage texel
#     (how conv2d, depthwise 3x3 and pointwise read inputs, runtime/ops/load_path.h)
#   VKPOSE_TUNE_ARGS="--precision fp16" bash tools/gpu-tune.sh VKPOSE_POINTWISE_COOPMAT 257,513 0 2,1,2
#     (the fp16 tensor-core pointwise kernel: 0 = off, or m_tiles,n_tiles,subgroups;
#     runtime/ops/pointwise_coopmat.h); VKPOSE_TUNE_ARGS goes to vkpose-bench as it is
#   bash tools/gpu-tune.sh VKPOSE_COOPMAT_SHAPE 513,801 1,1,4,2,1,4 1,1,4,2,2,4
#     (the tensor-core kernel's m,n,s on the layers its rule picks; a second triple for large planes)
#   bash tools/gpu-tune.sh VKPOSE_COOPMAT_PREFETCH 257,513 2 4 8
#   bash tools/gpu-tune.sh VKPOSE_COOPMAT_LOAD_BATCH 257,513 0 4 8
#   bash tools/gpu-tune.sh VKPOSE_COOPMAT_WEIGHTS 257,513 kn nk tiles
#     (its weight steps requested ahead, its input copies requested together, and its weight matrix's layout)
set -uo pipefail
out=${OUT:-/tmp/vkpose-out}
mkdir -p "$out"
bundle=.gpu-bundle
variable=$1
sizes=$2
shift 2
if ! "$bundle/vkpose-info" >/dev/null 2>&1 && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
export VKPOSE_VALIDATION=0 VKPOSE_PIPELINE_CACHE=/tmp/vkpose-tune-cache.bin
for value in "$@"; do
  echo "== $variable=$value"
  env "$variable=$value" "$bundle/vkpose-bench" --model "$bundle/posenet.vkpose" --sizes "$sizes" \
    --iterations 100 --no-cold-start --no-per-layer ${VKPOSE_TUNE_ARGS:-} >"$out/tune-$variable-${value//,/-}.txt" 2>/dev/null
  grep -E "^ +[0-9]+ +[0-9]+x[0-9]+ " "$out/tune-$variable-${value//,/-}.txt" | head -n 8
done
