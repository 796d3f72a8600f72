#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: installs dependencies, builds
# vkpose, converts the committed PoseNet ONNX to .vkpose and shows what the
# runtime will execute, then the device it will run on. (Pose estimation on a
# photo arrives with the runtime, issue 4.)
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
mkdir -p build/models
./build/release/converter/vkpose-convert models/posenet-mobilenet-v1-075.onnx -o build/models/posenet.vkpose
./build/release/converter/vkpose-convert --inspect build/models/posenet.vkpose --input 257 | tail -n 16
./build/release/tools/vkpose-info
