#!/usr/bin/env bash
# The whole test suite of Ratusz:
#   1. system packages and e2e node modules (scripts/install-deps.sh, idempotent),
#   2. unit, property and integration tests: SQLite always; PostgreSQL too when
#      RATUSZ_TEST_PG_URL is set (each test gets its own schema in that database),
#   3. browser tests (e2e/): headless Chromium with axe-core WCAG 2.1 A/AA checks,
#      against `ratusz demo` started on a free port with a fresh data directory.
# A private clamd (scripts/lib/clamd.sh) runs throughout with our test signatures (and the
# system's official ones when freshclam has put them in /var/lib/clamav): the integration tests
# scan through it (RATUSZ_TEST_CLAMD, RATUSZ_TEST_CLAMD_TCP) and so does the demo server. A
# private Dovecot (scripts/lib/dovecot.sh) serves the mailbox the intake robot reads over IMAP
# (RATUSZ_TEST_IMAP), also over IMAPS and STARTTLS with its test certificate
# (RATUSZ_TEST_IMAP_TLS).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh

source scripts/lib/clamd.sh
source scripts/lib/dovecot.sh
work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    pkill -P "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  clamd_stop
  dovecot_stop
  rm -rf "$work"
}
trap cleanup EXIT
clamd_start "$work/clamd" all
export RATUSZ_TEST_CLAMD="$CLAMD_UNIX" RATUSZ_TEST_CLAMD_TCP="$CLAMD_TCP"
dovecot_start
export RATUSZ_TEST_IMAP="127.0.0.1:$DOVECOT_PORT:$DOVECOT_USER:$DOVECOT_PASSWORD"
export RATUSZ_TEST_IMAP_TLS="$DOVECOT_IMAPS_PORT:$DOVECOT_CA"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ratusz-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

if [[ -n "${RATUSZ_TEST_PG_URL:-}" ]]; then
  echo "test: integration tests run on SQLite and on PostgreSQL"
else
  echo "test: RATUSZ_TEST_PG_URL not set: integration tests run on SQLite only"
fi

cargo test --workspace --locked

echo "test: browser tests"
bin="$CARGO_TARGET_DIR/debug/ratusz"
cargo build --locked -p ratusz-server --bin ratusz
port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
(
  cd "$work"
  env -u RATUSZ_DATABASE_URL -u RATUSZ_CONFIG RATUSZ_DATA_DIR="$work/data" RATUSZ_LISTEN="127.0.0.1:$port" \
    RATUSZ_CLAMD="$CLAMD_UNIX" RATUSZ_LOG=warn "$bin" demo >"$work/server.log" 2>&1
) &
server=$!
base="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 240); do
  if node -e "fetch('$base/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "test: the demo server did not start; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
RATUSZ_E2E_BASE_URL="$base" node e2e/run.mjs
