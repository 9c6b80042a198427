# Starts a throwaway PostgreSQL server on a free loopback port and stops it when the calling
# script exits. Source this file and call `start_pg`; it sets PG_URL (database "postgres", user
# "guild", trust authentication, listening on 127.0.0.1 only). With PG_DURABLE=1 the server
# keeps its default fsync settings (for benchmarks); otherwise durability is traded for speed.
# After `start_pg`, `start_replica` adds a hot-standby streaming replica of it (REPLICA_URL).

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
    if [ -d "$PG_DIR/replica" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -m immediate stop >/dev/null 2>&1 || true
    fi
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

# Starts a hot-standby streaming replica of the server `start_pg` started, on its own free
# loopback port, and sets REPLICA_URL and REPLICA_PORT. Its data directory is
# $PG_DIR/replica (stopped and removed with the primary by `stop_pg`). The primary's defaults
# suffice (wal_level=replica, max_wal_senders=10, and initdb's pg_hba.conf lets 127.0.0.1 in
# for replication, with trust as for everything else); `pg_basebackup -R` writes
# standby.signal and primary_conninfo.
start_replica() {
  REPLICA_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  # PG_BIN may hold only links to initdb and pg_ctl: look beside their target too.
  local basebackup="$PG_BIN/pg_basebackup"
  [ -x "$basebackup" ] || basebackup="$(dirname "$(readlink -f "$PG_BIN/initdb")")/pg_basebackup"
  [ -x "$basebackup" ] || basebackup=$(command -v pg_basebackup) \
    || { echo "pg_basebackup not found: install postgresql-15" >&2; return 1; }
  as_pg "$basebackup" -h 127.0.0.1 -p "$PG_PORT" -U guild -D "$PG_DIR/replica" -R -X stream \
    -c fast >"$PG_DIR/basebackup.log" 2>&1 \
    || { cat "$PG_DIR/basebackup.log" >&2; return 1; }
  chmod 700 "$PG_DIR/replica"
  run_replica
  REPLICA_URL="postgres://guild@127.0.0.1:$REPLICA_PORT/postgres"
}

# (Re)starts the replica that `start_replica` made, on REPLICA_PORT. A hot standby needs at
# least the primary's max_connections.
run_replica() {
  local options="-c listen_addresses=127.0.0.1 -p $REPLICA_PORT -k $PG_DIR -c max_connections=200 -c hot_standby=on"
  if [ "${PG_DURABLE:-0}" != 1 ]; then
    options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/replica" -l "$PG_DIR/replica.log" -w -t 60 start -o "$options" >/dev/null \
    || { cat "$PG_DIR/replica.log" >&2; return 1; }
}
