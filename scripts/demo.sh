#!/usr/bin/env bash
# Runs Ratusz with the demo municipality "Gmina Przykładowo" on the embedded default (SQLite in
# ./data) at http://127.0.0.1:8080. Installs the build's system packages first (idempotent).
# Uploads are scanned by a private clamd (scripts/lib/clamd.sh) with the system's official
# signatures when freshclam has fetched them, plus our test signatures (so the EICAR test file
# is refused); set RATUSZ_CLAMD to use a clamd of your own instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-deps.sh --build
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ratusz-target}"
cargo build --locked --release -p ratusz-server --bin ratusz

if [[ -z "${RATUSZ_CLAMD:-}" ]]; then
  source scripts/lib/clamd.sh
  clamd_dir="$(mktemp -d)"
  trap 'clamd_stop; rm -rf "$clamd_dir"' EXIT
  trap 'exit 130' INT TERM
  clamd_start "$clamd_dir" all
  export RATUSZ_CLAMD="$CLAMD_UNIX"
fi
# The intake robot's watched folder: drop a scanned letter into data/skaner and it appears in
# the incoming register, read and routed (docs/wplyw.md).
export RATUSZ_INTAKE__WATCH_DIR="${RATUSZ_INTAKE__WATCH_DIR:-$PWD/data/skaner}"
export RATUSZ_INTAKE__TENANT="${RATUSZ_INTAKE__TENANT:-przykladowo}"
mkdir -p "$RATUSZ_INTAKE__WATCH_DIR"
"$CARGO_TARGET_DIR/release/ratusz" demo "$@"
