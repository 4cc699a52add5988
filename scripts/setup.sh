#!/usr/bin/env bash
# Everything a fresh machine needs for `npm test`: Debian's Chromium (never a downloaded browser) and the locked
# npm dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROME_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install -y chromium', or set CHROME_PATH to a Chrome/Chromium binary." >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund
