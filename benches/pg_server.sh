# Sourced by the benchmarks: start a throwaway PostgreSQL 15 on a loopback port, as an
# unprivileged user when run as root (like tests/support does), stopped on exit.
# Sets PGPORT, PGHOST and PG_URL_BASE (postgres://postgres@127.0.0.1:PORT).
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PGDIR=$(mktemp -d /tmp/bmdb-bench-pg.XXXXXX)
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then PGUSER_OS=postgres; else PGUSER_OS=nobody; fi
  chown -R "$PGUSER_OS" "$PGDIR"
  as_pg() { setpriv --reuid="$(id -u $PGUSER_OS)" --regid="$(id -g $PGUSER_OS)" --clear-groups -- "$@"; }
else
  as_pg() { "$@"; }
fi
as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
trap 'as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1; rm -rf "$PGDIR"; [ -n "${WORK:-}" ] && rm -rf "$WORK"' EXIT
export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
PG_URL_BASE="postgres://postgres@127.0.0.1:$PGPORT"
