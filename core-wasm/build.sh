#!/usr/bin/env bash
# Builds core-wasm to runtime/core/wasm/lumos-core.wasm reproducibly with Debian's rustc 1.63.
# Usage: bash core-wasm/build.sh [--check]   (--check: fail if the committed .wasm differs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$root/runtime/core/wasm/lumos-core.wasm"
RUSTC_BIN="${RUSTC_BIN:-/usr/bin/rustc}"
CARGO_BIN="${CARGO_BIN:-/usr/bin/cargo}"
for tool in "$RUSTC_BIN" "$CARGO_BIN" wasm-opt; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool not found; install: apt-get install -y rustc cargo libstd-rust-dev-wasm32 lld binaryen" >&2; exit 1; }
done
cd "$here"
# Remap absolute paths so the bytes do not depend on where the repo is checked out.
export RUSTFLAGS="-C target-feature=+simd128 --remap-path-prefix=$here=/lumos/core-wasm --remap-path-prefix=$HOME=/home"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
RUSTC="$RUSTC_BIN" "$CARGO_BIN" build --release --offline --target wasm32-unknown-unknown --quiet
raw="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/lumos_core.wasm"
tmp="$(mktemp --suffix=.wasm)"
wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --strip-debug --strip-producers "$raw" -o "$tmp"
if [[ "${1:-}" == "--check" ]]; then
  if ! cmp -s "$tmp" "$out"; then
    echo "build.sh: the committed $out differs from a fresh build of core-wasm (rebuild with 'npm run build:wasm' and commit)" >&2
    ls -l "$tmp" "$out" >&2 || true
    rm -f "$tmp"; exit 1
  fi
  echo "build.sh: committed wasm matches a fresh build ($(stat -c %s "$out") bytes)"
  rm -f "$tmp"
else
  mkdir -p "$(dirname "$out")"
  mv "$tmp" "$out"
  echo "build.sh: wrote $out ($(stat -c %s "$out") bytes, $(gzip -9 -c "$out" | wc -c) gzip)"
fi
