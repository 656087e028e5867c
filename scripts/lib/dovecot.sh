# A private IMAP server (Dovecot) for the intake tests: its own configuration, mail store,
# sockets and log in a directory of its own, one mailbox user, listening on 127.0.0.1 only,
# stopped by the caller. It speaks plain IMAP and STARTTLS on one port and IMAPS on another,
# with a self-signed certificate for "localhost" made here (openssl). Source this file, then:
#
#   dovecot_start        start Dovecot with its files in a directory of its own under /tmp
#                        (Dovecot's unprivileged processes must reach them, so not inside a
#                        private 0700 directory such as the caller's mktemp -d);
#                        sets DOVECOT_PORT, DOVECOT_USER and DOVECOT_PASSWORD, and
#                        DOVECOT_IMAPS_PORT and DOVECOT_CA (the certificate, PEM, to trust).
#   dovecot_stop         stop it and remove its files (safe to call when it is not running).
#
# The server is Debian's dovecot-imapd (installed by scripts/install-deps.sh).

DOVECOT_DIR=""
DOVECOT_PORT=""
DOVECOT_IMAPS_PORT=""
DOVECOT_CA=""
DOVECOT_USER="kancelaria"
DOVECOT_PASSWORD="skrzynka-testowa"

_dovecot_say() { printf 'dovecot: %s\n' "$*" >&2; }

dovecot_start() {
  local dir bin mail_user port imaps_port
  bin="$(command -v dovecot || true)"
  [[ -n "$bin" ]] || bin=/usr/sbin/dovecot
  if [[ ! -x "$bin" ]]; then
    _dovecot_say "dovecot not found; install Debian's dovecot-imapd package (scripts/install-deps.sh does)"
    return 1
  fi
  dir="$(mktemp -d /tmp/ratusz-dovecot.XXXXXX)"
  chmod 755 "$dir"
  DOVECOT_DIR="$dir"
  mkdir -p "$dir/run" "$dir/state" "$dir/mail"
  # Dovecot never gives mail access to root: as root the mail store belongs to its own
  # unprivileged user; otherwise to whoever runs the tests.
  if [[ "$(id -u)" -eq 0 ]]; then
    mail_user=dovecot
    chown -R dovecot:dovecot "$dir/mail"
  else
    mail_user="$(id -un)"
  fi
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      break
    fi
  done
  for _ in $(seq 1 50); do
    imaps_port=$((20000 + RANDOM % 40000))
    if [[ "$imaps_port" -ne "$port" ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$imaps_port") 2>/dev/null; then
      break
    fi
  done
  if ! openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1; then
    _dovecot_say "openssl could not make the test certificate (install openssl: scripts/install-deps.sh)"
    return 1
  fi
  chmod 644 "$dir/cert.pem" "$dir/key.pem"
  printf '%s:{PLAIN}%s\n' "$DOVECOT_USER" "$DOVECOT_PASSWORD" >"$dir/passwd"
  cat >"$dir/dovecot.conf" <<CONF
first_valid_uid = 100
first_valid_gid = 100
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$mail_user gid=$mail_user home=$dir/mail/%u
}
mail_location = maildir:$dir/mail/%u/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $imaps_port
  }
}
CONF
  if ! "$bin" -c "$dir/dovecot.conf"; then
    _dovecot_say "dovecot did not start; its log:"
    cat "$dir/dovecot.log" >&2 2>/dev/null || true
    return 1
  fi
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      DOVECOT_PORT="$port"
      DOVECOT_IMAPS_PORT="$imaps_port"
      DOVECOT_CA="$dir/cert.pem"
      return 0
    fi
    sleep 0.1
  done
  _dovecot_say "dovecot does not listen on port $port; its log:"
  cat "$dir/dovecot.log" >&2 2>/dev/null || true
  return 1
}

dovecot_stop() {
  if [[ -n "$DOVECOT_DIR" ]]; then
    if [[ -f "$DOVECOT_DIR/run/master.pid" ]]; then
      kill "$(cat "$DOVECOT_DIR/run/master.pid")" 2>/dev/null || true
      sleep 0.5
    fi
    rm -rf "$DOVECOT_DIR"
  fi
  DOVECOT_DIR=""
}
