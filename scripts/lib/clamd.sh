# A private ClamAV daemon (clamd) for the tests and the demo: its own configuration, signatures,
# sockets and log in a directory of its own, in the foreground, without root, stopped by the
# caller. Source this file, then:
#
#   clamd_start DIR [ours|all]   start clamd with its files in DIR (created if missing);
#                                ours: only the test signatures in tests/clamav/ (fast start);
#                                all:  those plus the system's /var/lib/clamav/*.cvd|*.cld|*.cud
#                                when present (freshclam keeps them there).
#                                Sets CLAMD_PID, CLAMD_TCP (tcp://127.0.0.1:PORT) and
#                                CLAMD_UNIX (unix:DIR/clamd.sock).
#   clamd_stop                   stop it (safe to call when it is not running).
#
# The daemon is found as `clamd` on PATH or /usr/sbin/clamd (Debian's clamav-daemon package,
# installed by scripts/install-deps.sh).

CLAMD_PID=""
CLAMD_TCP=""
CLAMD_UNIX=""

_clamd_say() { printf 'clamd: %s\n' "$*" >&2; }

# A TCP port on 127.0.0.1 that nothing listens on now.
_clamd_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# zPING over TCP; succeeds when clamd answers PONG.
# (A subshell: a failed `exec` redirection would end a non-interactive shell.)
_clamd_ping() (
  port="$1" reply=""
  exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
  printf 'zPING\0' >&3
  IFS= read -r -d '' -t 5 reply <&3 || true
  [[ "$reply" == "PONG" ]]
)

clamd_start() {
  local dir="$1" which="${2:-ours}" root bin port f
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  bin="$(command -v clamd || true)"
  [[ -n "$bin" ]] || bin=/usr/sbin/clamd
  if [[ ! -x "$bin" ]]; then
    _clamd_say "clamd not found; install Debian's clamav-daemon package (scripts/install-deps.sh does)"
    return 1
  fi
  mkdir -p "$dir/db" "$dir/tmp"
  dir="$(cd "$dir" && pwd)"
  rm -f "$dir"/db/*
  cp "$root"/tests/clamav/*.ndb "$dir/db/"
  if [[ "$which" == "all" ]]; then
    for f in /var/lib/clamav/*.cvd /var/lib/clamav/*.cld /var/lib/clamav/*.cud; do
      [[ -e "$f" ]] && ln -s "$f" "$dir/db/"
    done
  fi
  port="$(_clamd_free_port)" || { _clamd_say "no free TCP port"; return 1; }
  cat >"$dir/clamd.conf" <<EOF
Foreground yes
LocalSocket $dir/clamd.sock
LocalSocketMode 660
TCPSocket $port
TCPAddr 127.0.0.1
DatabaseDirectory $dir/db
TemporaryDirectory $dir/tmp
LogFile $dir/clamd.log
LogTime yes
# The same limits as Ratusz's [antivirus] stream_max_mib default.
StreamMaxLength 25M
MaxFileSize 25M
MaxScanSize 100M
ConcurrentDatabaseReload no
EOF
  "$bin" --config-file="$dir/clamd.conf" >"$dir/clamd.out" 2>&1 &
  CLAMD_PID=$!
  # Loading the full official database takes a while; our own signatures about a second.
  for _ in $(seq 1 360); do
    if ! kill -0 "$CLAMD_PID" 2>/dev/null; then
      _clamd_say "clamd exited while starting; its output:"
      cat "$dir/clamd.out" >&2
      CLAMD_PID=""
      return 1
    fi
    if _clamd_ping "$port" 2>/dev/null; then
      CLAMD_TCP="tcp://127.0.0.1:$port"
      CLAMD_UNIX="unix:$dir/clamd.sock"
      _clamd_say "ready at $CLAMD_TCP and $CLAMD_UNIX ($(ls "$dir/db" | tr '\n' ' '))"
      return 0
    fi
    sleep 0.5
  done
  _clamd_say "clamd did not answer within 3 minutes; its log:"
  cat "$dir/clamd.log" >&2 || true
  clamd_stop
  return 1
}

clamd_stop() {
  if [[ -n "$CLAMD_PID" ]]; then
    kill "$CLAMD_PID" 2>/dev/null || true
    wait "$CLAMD_PID" 2>/dev/null || true
    CLAMD_PID=""
  fi
}
