#!/usr/bin/env bash
# postgres.sh starts (or finds running) a throwaway PostgreSQL cluster for the
# store tests and prints the line that points them at it:
#
#	eval "$(scripts/postgres.sh)"   # sets MFABOT_TEST_POSTGRES_URL
#	scripts/postgres.sh stop        # stops the cluster and deletes it
#	scripts/postgres.sh install     # only installs the server, starts nothing
#
# The cluster lives in $MFABOT_PG_DIR (default /tmp/mfabot-postgres), listens
# on 127.0.0.1 only, on a free port, with trust authentication and without
# fsync: it is for tests, never for data that matters. On Debian, run as
# root, it installs the postgresql package when no server is installed and
# runs the server as the postgres user; run as another user, it runs the
# server as that user. Only the export line goes to stdout.
set -euo pipefail

dir=${MFABOT_PG_DIR:-/tmp/mfabot-postgres}
data=$dir/data

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# bindir finds the newest installed server's programs.
bindir() {
	local b
	b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [[ -n $b && -x $b/pg_ctl ]]; then
		echo "$b"
	elif command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
		dirname "$(command -v pg_ctl)"
	fi
}

bin=$(bindir)
if [[ -z $bin ]]; then
	[[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed; run as root to install it, or install the postgresql package"
	command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is missing; install PostgreSQL first"
	log "installing postgresql with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
	bin=$(bindir)
	[[ -n $bin ]] || die "postgresql was installed but pg_ctl was not found"
fi
# "install" only makes sure a server is installed (scripts/setup.sh).
[[ ${1:-} != install ]] || exit 0

# as runs a command as the cluster's owner: postgres when we are root
# (the server refuses to run as root), ourselves otherwise.
as() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

running() { [[ -f $data/PG_VERSION ]] && as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() { echo "export MFABOT_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres?sslmode=disable'"; }

if [[ ${1:-} == stop ]]; then
	if running; then
		as "$bin/pg_ctl" -D "$data" -m immediate -w stop >&2
	fi
	rm -rf "$dir"
	log "stopped and removed $dir"
	exit 0
fi
[[ $# -eq 0 ]] || die "usage: postgres.sh [stop|install]"

if running && [[ -f $dir/port ]]; then
	url
	exit 0
fi

if [[ ! -f $data/PG_VERSION ]]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	[[ $(id -u) -ne 0 ]] || chown postgres: "$dir"
	log "creating a cluster in $data"
	as "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		die "initdb failed; see $dir/initdb.log"
fi

# free reports whether nothing accepts connections on 127.0.0.1:$1.
free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Start on a free port (the last one, when the cluster was stopped);
# another process may take it between the check and the start, so try a few.
port=${MFABOT_PG_PORT:-$(cat "$dir/port" 2>/dev/null || echo $((54320 + RANDOM % 1000)))}
for _ in 1 2 3 4 5 6 7 8 9 10; do
	if free "$port"; then
		if as "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 start \
			-o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2; then
			echo "$port" >"$dir/port"
			[[ $(id -u) -ne 0 ]] || chown postgres: "$dir/port"
			log "listening on 127.0.0.1:$port (log in $dir/server.log)"
			url
			exit 0
		fi
		log "start on port $port failed; trying another"
	fi
	port=$((54320 + RANDOM % 1000))
done
die "could not start PostgreSQL; see $dir/server.log"
