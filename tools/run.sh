#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: installs dependencies, builds
# vkpose and runs it. Until the runtime lands (issue 4) the job is vkpose-info:
# the device vkpose selects and what it can do.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
./build/release/tools/vkpose-info
