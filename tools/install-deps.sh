#!/usr/bin/env bash
# Installs every Debian package vkpose needs to build, test and run.
# Idempotent: packages already present are skipped by apt.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  # Vulkan loader, headers, lavapipe (CPU driver), validation layers, tools
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  # Shader compiler and SPIR-V tools
  glslc spirv-tools
  # Model format and import
  libflatbuffers-dev flatbuffers-compiler libonnx-dev libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev
  # Viewer and media
  libglfw3-dev libstb-dev libavformat-dev libavcodec-dev libavdevice-dev libswscale-dev
  libavutil-dev xvfb xauth
  # A window manager for Xvfb, only for the viewer's minimise test
  # (viewer/tests/run_with_wm.sh): without one nothing minimises a window.
  openbox
  # Tests
  libgtest-dev
)
# Node serves only the test oracles (onnxruntime-node, tfjs). Some images ship
# NodeSource's nodejs, which bundles npm and conflicts with Debian's npm.
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
