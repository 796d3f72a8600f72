#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: installs dependencies, builds
# vkpose, converts the committed PoseNet ONNX to .vkpose, estimates the pose
# in a sample photo on the GPU (lavapipe where there is no GPU), and writes
# the keypoints as COCO JSON and the photo with the skeleton drawn as PNG.
# With a display (and not under CI or VKPOSE_NO_VIEWER=1) it then opens the
# viewer on the same photo; close it or press Esc to finish.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:-tests/data/images/pose.jpg}
out=${VKPOSE_OUT:-out}

bash tools/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
mkdir -p build/models "$out"
./build/release/converter/vkpose-convert models/posenet-mobilenet-v1-075.onnx -o build/models/posenet.vkpose
./build/release/tools/vkpose-info | head -n 3
name=$(basename "${image%.*}")
./build/release/tools/vkpose/vkpose run --model build/models/posenet.vkpose --image "$image" \
  --json "$out/$name.json" --draw "$out/$name.png"
echo "wrote $out/$name.json and $out/$name.png"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${CI:-}" != "true" ] && [ "${VKPOSE_NO_VIEWER:-0}" != "1" ]; then
  echo "opening the viewer (Esc quits; h shows the keys)"
  ./build/release/viewer/vkpose-view --model build/models/posenet.vkpose "$image"
fi
