#!/usr/bin/env bash
# Installs the Debian packages that building Ratusz and running its tests need,
# then the e2e/ node modules. Safe to run again: it only installs what is missing.
#
# Usage: scripts/install-deps.sh           build + test dependencies (browser, node modules)
#        scripts/install-deps.sh --build    only what building and running Ratusz needs
set -euo pipefail

BUILD_ONLY=""
if [[ "${1:-}" == "--build" ]]; then
  BUILD_ONLY=1
fi

# Needed by the build (openssl-sys, pq-sys).
BASE_PACKAGES=(
  pkg-config
  libssl-dev
  libpq-dev
  gcc
)
# Needed by the tests: the browser tests (e2e/) and the PostgreSQL client used by .ci/run.
if [[ -z "$BUILD_ONLY" ]]; then
  BASE_PACKAGES+=(
    chromium
    nodejs
    npm
    postgresql-client
  )
fi

# >>> Packages added by later capabilities: append here, one per line. <<<
# Expected: tesseract-ocr-pol (OCR), poppler-utils (pdftoppm), clamav (virus scan).
EXTRA_PACKAGES=(
  fonts-dejavu-core
  poppler-utils
  # OCR of scanned letters (crates/documents/src/text): the engine and its Polish model.
  tesseract-ocr
  tesseract-ocr-pol
  # Virus scanning of uploads: the daemon (clamd) that tests and the demo start privately,
  # and freshclam (pulled in by clamav-daemon) for the official signatures in production.
  clamav-daemon
  clamav
  # AI intake: the IMAP server the intake tests start privately to read a real mailbox, and
  # openssl to make that server's test certificate (IMAPS and STARTTLS).
  dovecot-imapd
  openssl
  # Crisis alerts: xmllint checks that the CAP 1.2 XML Ratusz writes validates against the
  # OASIS schema (crates/documents/src/cap tests; required when CI=true).
  libxml2-utils
)

say() { printf 'install-deps: %s\n' "$*"; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

if [[ ! -r /etc/debian_version ]] || ! command -v apt-get >/dev/null 2>&1 \
  || ! command -v dpkg-query >/dev/null 2>&1; then
  die "this script supports Debian (and derivatives) with apt-get and dpkg; install the equivalents of: ${BASE_PACKAGES[*]} ${EXTRA_PACKAGES[*]:-} by hand"
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    NEED_ROOT=1
  fi
fi

is_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]]
}

missing=()
for pkg in "${BASE_PACKAGES[@]}" "${EXTRA_PACKAGES[@]}"; do
  [[ -n "$pkg" ]] || continue
  if is_installed "$pkg"; then
    continue
  fi
  # NodeSource's nodejs package bundles npm and conflicts with Debian's npm
  # package; asking apt for npm there would replace node itself.
  if [[ "$pkg" == "npm" ]] && is_installed nodejs && command -v npm >/dev/null 2>&1; then
    continue
  fi
  missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  say "all system packages present"
else
  if [[ -n "${NEED_ROOT:-}" ]]; then
    die "missing packages (${missing[*]}) and not root, and sudo is not available; run as root"
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
  say "installed: ${missing[*]}"
fi

if [[ -n "$BUILD_ONLY" ]]; then
  exit 0
fi

# playwright-core (pinned in e2e/package.json) needs node 20 or newer.
if command -v node >/dev/null 2>&1; then
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  if [[ "$node_major" -lt 20 ]]; then
    say "warning: node $(node -v) is older than 20; the e2e tests need node >= 20"
  fi
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e_dir="$repo_root/e2e"
if [[ -f "$e2e_dir/package-lock.json" ]]; then
  if [[ ! -d "$e2e_dir/node_modules" || "$e2e_dir/package-lock.json" -nt "$e2e_dir/node_modules" ]]; then
    if (cd "$e2e_dir" && npm ci --no-audit --no-fund --prefer-offline); then
      # npm ci may leave the directory's mtime older than a freshly checked-out lock file.
      touch "$e2e_dir/node_modules"
      say "e2e node modules installed"
    else
      die "npm ci failed in $e2e_dir (no network or no npm registry?); system packages are fine, but the browser tests cannot run until 'npm ci' succeeds there"
    fi
  else
    say "e2e node modules up to date"
  fi
fi
