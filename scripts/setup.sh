#!/usr/bin/env bash
# Everything a fresh machine needs for `npm test`: Debian's Chromium (never a downloaded browser), Debian's
# PostgreSQL (the tests start throwaway clusters with its initdb/pg_ctl; no server needs to be running) and the
# locked npm dependencies (better-sqlite3 builds from source when no prebuilt binary can be downloaded, ~1 min).
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if [ -z "${CHROME_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ -z "${PG_BIN:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing+=(postgresql); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing: ${missing[*]}. Run 'sudo apt-get install -y ${missing[*]}' (or set CHROME_PATH / PG_BIN)." >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund
