#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine: Chromium for the
# browser test, the pinned npm packages (card and manifest validators,
# Agents Playground, Playwright, the Node SDK benchmark peer), and the
# PostgreSQL server the store's tests start a throwaway cluster of (nothing
# is left running). Installing packages needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

if [ ! -d tools/node/node_modules ] || [ tools/node/package-lock.json -nt tools/node/node_modules ]; then
  (cd tools/node && npm ci --no-audit --no-fund --loglevel=error)
fi
./scripts/postgres.sh install
go mod download
