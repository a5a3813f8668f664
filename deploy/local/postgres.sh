#!/usr/bin/env bash
# Local PostgreSQL for development and CI: our own cluster in .local/pg
# (not Debian's "main" cluster), on 127.0.0.1:$PG_PORT, with a login role
# and one database per service.
#   postgres.sh start   install if needed, init once, start, ensure role + dbs
#   postgres.sh stop    fast shutdown
#   postgres.sh status  exit 0 when accepting connections
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# The server runs as the postgres OS user; its cwd must be readable by it or
# every command warns "could not change directory". All paths are absolute.
cd /

PG_LOG="$LOGS/postgres.log"

# Newest installed server version (several may coexist after upgrades).
pg_bin() {
  local initdb
  initdb="$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)"
  [[ -x "$initdb" ]] || return 1
  dirname "$initdb"
}

# initdb/pg_ctl refuse to run as root: as root, drop to the postgres user;
# as a normal user (a developer laptop), run as that user.
as_pg() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_owner() {
  if ((EUID == 0)); then echo postgres; else id -un; fi
}

pg_ready() {
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
}

cluster_running() {
  [[ -f "$PG_DATA/PG_VERSION" ]] && as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

init_cluster() {
  log "initdb $PG_DATA"
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  chown "$(pg_owner):" "$STATE/pg" "$PG_DATA" "$PG_SOCKET_DIR"
  chmod 700 "$PG_DATA"
  # The postgres user must be able to walk down to .local/pg; a clone under
  # a private home directory (e.g. /root) would fail here with an obscure error.
  as_pg test -w "$PG_DATA" ||
    die "user $(pg_owner) cannot write $PG_DATA: put the clone where it can traverse the path"
  # Pin encoding/locale: otherwise they depend on the caller's LANG, and an
  # unset LANG gives SQL_ASCII databases. --no-sync: throwaway data.
  as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >>"$PG_LOG" 2>&1 ||
    die "initdb failed, see $PG_LOG"
  # Our settings live in one file included from postgresql.conf, rewritten on
  # every start so edits to this script take effect after a restart.
  echo "include = 'local.conf'" >>"$PG_DATA/postgresql.conf"
}

write_config() {
  cat >"$PG_DATA/local.conf" <<EOF
# Written by deploy/local/postgres.sh on every start; edit the script, not this.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 400
shared_buffers = 256MB
# DEV/TEST ONLY: no crash safety. A power loss or kill -9 of the OS can
# corrupt this cluster; that is acceptable for throwaway local/CI data and
# makes tests much faster. Never copy these three lines anywhere real.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  # Only the postgres superuser over the unix socket (for this script), and
  # password (SCRAM) logins over TCP from localhost for everyone else.
  cat >"$PG_DATA/pg_hba.conf" <<EOF
# Written by deploy/local/postgres.sh on every start.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
host    all       all       127.0.0.1/32   scram-sha-256
EOF
  chown "$(pg_owner):" "$PG_DATA/local.conf" "$PG_DATA/pg_hba.conf"
}

# Idempotent: the role is created when missing and its attributes/password
# reset every time; databases are created only when missing (\gexec runs
# each generated statement, and CREATE DATABASE cannot run inside DO).
ensure_role_and_dbs() {
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" \
    -U postgres -d postgres \
    -v user="$PG_USER" -v password="$PG_PASSWORD" -v dbs="$SERVICE_DATABASES" <<'SQL'
SELECT format('CREATE ROLE %I', :'user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', d, :'user')
  FROM unnest(string_to_array(:'dbs', ' ')) AS d
 WHERE d <> '' AND NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
SQL
}

start() {
  if ! PGBIN="$(pg_bin)"; then
    apt_install postgresql
    PGBIN="$(pg_bin)" || die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
  fi
  mkdir -p "$LOGS" "$STATE/pg"
  # pg_ctl -l opens the log as the postgres user, so it must own the file.
  touch "$PG_LOG"
  chown "$(pg_owner):" "$PG_LOG"

  # A postmaster that was just killed can linger a moment before it is
  # reaped, and one in crash recovery does not accept connections yet: give
  # a "running" cluster a few seconds to either answer or disappear.
  for _ in {1..20}; do
    cluster_running || break
    pg_ready && break
    sleep 0.5
  done
  if cluster_running && pg_ready; then
    log "already running on 127.0.0.1:$PG_PORT"
  else
    [[ -f "$PG_DATA/PG_VERSION" ]] || init_cluster
    write_config
    log "starting PostgreSQL $(basename "$(dirname "$PGBIN")") on 127.0.0.1:$PG_PORT"
    # 9>&- : do not let the server inherit our lock fd (it would hold the
    # lock for its whole life and block the next start/stop).
    as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null 9>&- ||
      { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL failed to start, see $PG_LOG"; }
  fi
  ensure_role_and_dbs
  log "ready: postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/<db> (dbs: $SERVICE_DATABASES)"
}

stop() {
  PGBIN="$(pg_bin)" || { log "PostgreSQL not installed"; return 0; }
  if cluster_running; then
    log "stopping"
    as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
  else
    log "not running"
  fi
}

status() {
  PGBIN="$(pg_bin)" || { log "PostgreSQL not installed"; return 3; }
  if pg_ready; then
    log "running on 127.0.0.1:$PG_PORT"
  else
    log "not accepting connections on 127.0.0.1:$PG_PORT"
    return 1
  fi
}

case "${1:-}" in
  start | stop)
    # Serialize concurrent start/stop calls (e.g. parallel CI steps).
    mkdir -p "$RUN"
    exec 9>"$RUN/postgres.lock"
    flock -w 120 9 || die "another postgres.sh start/stop is still running"
    "$1"
    ;;
  status) status ;;
  *)
    echo "usage: $0 {start|stop|status}" >&2
    exit 2
    ;;
esac
