#!/usr/bin/env bash
# Make sure a PostgreSQL server answers for the `database` tests: the machine's own on
# 127.0.0.1:5432 (user postgres, trust), else a throwaway cluster started here (initdb + pg_ctl
# in a temporary folder, as the `postgres` system user when run as root), stopped on exit by
# the caller's trap. Prints the server URL for KIRINUKI_TEST_PG on its last line.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null \
   && psql -h 127.0.0.1 -U postgres -Atc "SELECT 1" postgres >/dev/null 2>&1; then
  echo "postgresql://postgres@127.0.0.1:5432/postgres"
  exit 0
fi
command -v initdb >/dev/null || PATH="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1):$PATH"
if ! command -v initdb >/dev/null; then
  (apt-get install -y postgresql || (apt-get update && apt-get install -y postgresql)) >&2
  PATH="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1):$PATH"
fi
dir="$(mktemp -d /tmp/kirinuki-pg.XXXXXX)"
port=55432
run=()
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; run=(runuser -u postgres --); fi
"${run[@]}" initdb -D "$dir/data" -U postgres -A trust >&2
"${run[@]}" pg_ctl -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >&2
echo "$(command -v pg_ctl) $dir" > /tmp/kirinuki-pg.dir
echo "postgresql://postgres@127.0.0.1:$port/postgres"
