#!/usr/bin/env bash
# with-postgres.sh CMD [ARG…] runs CMD with a throwaway PostgreSQL cluster
# (scripts/postgres.sh) of its own, and stops and deletes the cluster when
# CMD ends: passed, failed or interrupted.
#
#	./scripts/with-postgres.sh go test ./internal/store/...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ $# -gt 0 ]] || { echo "usage: with-postgres.sh CMD [ARG…]" >&2; exit 2; }

# A cluster per run, so a developer's own cluster (postgres.sh's default
# folder) is neither used nor stopped.
export MFABOT_PG_DIR="${TMPDIR:-/tmp}/mfabot-pg-run-$$"
cleanup() { "$here/postgres.sh" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
eval "$("$here/postgres.sh")"
"$@"
