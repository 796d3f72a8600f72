#!/usr/bin/env bash
# Decompresses the bundle's xz-packed binaries (tools/gpu-bundle.sh packs
# them to fit the device tool's 64 MiB carry) in place; nothing to do when
# they are already unpacked. Uses xz, else Python's lzma module.
set -euo pipefail
bundle=${1:-.gpu-bundle}
shopt -s nullglob
packed=("$bundle"/*.xz)
[ ${#packed[@]} -eq 0 ] && exit 0
if command -v xz >/dev/null; then
  xz -d -f "${packed[@]}"
else
  python3 - "${packed[@]}" <<'PY'
import lzma, os, shutil, sys
for path in sys.argv[1:]:
    target = path[:-3]
    with lzma.open(path) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    shutil.copymode(path, target)
    os.remove(path)
PY
fi
