#!/usr/bin/env bash
# End-to-end test: builds mfabot, then runs e2e/*.test.mjs, which start
# `mfabot demo` with two Agents Playground instances and drive them in
# headless Chromium. Screenshots and the demo's log go to test-artifacts/e2e/.
# Needs tools/node installed (./scripts/setup.sh) and Chromium; no internet.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x tools/node/node_modules/.bin/agentsplayground ]; then
  echo "e2e: tools/node is not installed; run ./scripts/setup.sh" >&2
  exit 1
fi
CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
if [ -z "$CHROMIUM" ]; then
  echo "e2e: chromium not found; run ./scripts/setup.sh or set CHROMIUM" >&2
  exit 1
fi
export CHROMIUM

go build -tags demo -o bin/mfabot-demo ./cmd/mfabot
export MFABOT_BIN="$PWD/bin/mfabot-demo"
export MFABOT_NODE_TOOLS="$PWD/tools/node"
export NODE_PATH="$PWD/tools/node/node_modules"
mkdir -p test-artifacts/e2e
exec node --test --test-timeout=180000 e2e/*.test.mjs
