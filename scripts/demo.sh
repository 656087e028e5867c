#!/usr/bin/env bash
# Runs Ratusz with the demo municipality "Gmina Przykładowo" on the embedded default (SQLite in
# ./data) at http://127.0.0.1:8080. Installs the build's system packages first (idempotent).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/install-deps.sh --build
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ratusz-target}"
exec cargo run --locked --release -p ratusz-server --bin ratusz -- demo "$@"
