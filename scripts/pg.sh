# Starts a throwaway PostgreSQL server on a free loopback port and stops it when the calling
# script exits. Source this file and call `start_pg`; it sets PG_URL (database "postgres", user
# "guild", trust authentication, listening on 127.0.0.1 only). With PG_DURABLE=1 the server
# keeps its default fsync settings (for benchmarks); otherwise durability is traded for speed.

find_pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then
    echo "$d"
    return
  fi
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql-15" >&2
  return 1
}

# PostgreSQL refuses to run as root: run it as an unprivileged user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    local user=postgres
    id "$user" >/dev/null 2>&1 || user=nobody
    chown -R "$user" "$PG_DIR"
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

stop_pg() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}

start_pg() {
  PG_BIN=$(find_pg_bin)
  PG_DIR=$(mktemp -d /tmp/guild-pg.XXXXXX)
  trap stop_pg EXIT
  chmod 755 "$PG_DIR"
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  local options="-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c max_connections=200"
  if [ "${PG_DURABLE:-0}" != 1 ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U guild --auth=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start -o "$options" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  PG_URL="postgres://guild@127.0.0.1:$PG_PORT/postgres"
}
