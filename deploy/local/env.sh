# shellcheck shell=bash
# Sourced by postgres.sh and kafka.sh (and usable from a shell or CI step):
# the one place that says which ports and directories the local
# infrastructure uses. It only defines variables and functions; the scripts
# that source it set their own shell options.

# Repo root, from this file's location, so the scripts work from any cwd and
# in any clone (no machine-specific paths).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# All mutable state lives under .local/ in the clone (git-ignored), so
# several clones on one machine do not share data, and "reset" is rm -rf.
STATE="$ROOT/.local"
LOGS="$STATE/logs"
RUN="$STATE/run"    # pid files and lock files

# PostgreSQL: our own cluster on a non-default port, so it never collides
# with a Debian "main" cluster on 5432.
PG_PORT="${TRUST_PG_PORT:-54329}"
PG_DATA="$STATE/pg/data"
PG_SOCKET_DIR="$STATE/pg/run"
PG_USER=trust
PG_PASSWORD=trust
SERVICE_DATABASES="certification employee_accounts shop_binding notifier"

# Kafka: single KRaft node (broker + controller in one JVM).
KAFKA_PORT="${TRUST_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${TRUST_KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HOME="$STATE/kafka"   # libs/ (jars), config/, data/

export ROOT STATE LOGS RUN PG_PORT PG_DATA PG_SOCKET_DIR PG_USER PG_PASSWORD \
  SERVICE_DATABASES KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_HOME

# log "msg": progress goes to stderr so stdout stays clean for callers.
log() {
  printf '[local %s %s] %s\n' "$(basename "$0")" "$(date +%H:%M:%S)" "$*" >&2
}

# die "msg": log and exit non-zero.
die() {
  log "ERROR: $*"
  exit 1
}

# port_open host port: true if a TCP connect succeeds (bash /dev/tcp, so no
# nc/ss dependency; timeout guards against a connect that hangs).
port_open() {
  timeout 2 bash -c ">/dev/tcp/$1/$2" 2>/dev/null
}

# wait_for_port host port timeout_seconds: poll until the port accepts a
# connection; returns 1 on timeout.
wait_for_port() {
  local host="$1" port="$2" deadline=$((SECONDS + $3))
  until port_open "$host" "$port"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# is_running pidfile [pattern]: true if the pid in pidfile is alive and, when
# pattern is given, its command line contains it (a stale pid file left by a
# reboot may name an unrelated process that got the same pid).
is_running() {
  local pidfile="$1" pattern="${2:-}" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n "$pattern" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  fi
}

# apt_install pkg...: install Debian packages non-interactively (fresh CI
# machines). Uses sudo when not root.
apt_install() {
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "need root (or sudo) to apt-get install $*"
    sudo=(sudo)
  fi
  log "installing $* with apt-get"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "$@" >&2
}
