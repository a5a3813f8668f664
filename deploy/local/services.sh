#!/usr/bin/env bash
# Starts (or stops) every service's API and worker as background processes, after
# creating the topics and running migrations. Idempotent: what runs is left running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

VENV="$ROOT/.venv"
# Settings have no default environment: the local stack says it is development.
export TRUST_ENVIRONMENT=development
# Webhook receivers a developer runs are on this machine: loopback is let through here (production refuses it).
export TRUST_WEBHOOK_ALLOW_LOOPBACK=true
# service  api-port  worker-port
SERVICES=(
  "certification 8101 9101"
  "employee-accounts 8102 9102"
  "shop-binding 8103 9103"
  "notifier 8104 9104"
)

start_process() {  # name port command...
  local name="$1" port="$2"; shift 2
  local pidfile="$RUN/$name.pid"
  if is_running "$pidfile" "$1"; then
    return 0
  fi
  port_open 127.0.0.1 "$port" && die "port $port is taken by another program; cannot start $name"
  log "starting $name on :$port"
  TRUST_HTTP_PORT="$port" nohup setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

wait_ready() {  # name port
  local deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$2/readyz" >/dev/null 2>&1; do
    is_running "$RUN/$1.pid" || die "$1 exited; see $LOGS/$1.log"
    ((SECONDS < deadline)) || die "$1 not ready after 60s; see $LOGS/$1.log"
    sleep 0.3
  done
}

start() {
  mkdir -p "$LOGS" "$RUN"
  "$VENV/bin/trust-topics" --partitions 3 >&2
  for entry in "${SERVICES[@]}"; do
    read -r service _ _ <<<"$entry"
    log "migrating $service"
    "$VENV/bin/$service-migrate"
  done
  for entry in "${SERVICES[@]}"; do
    read -r service api worker <<<"$entry"
    start_process "$service-api" "$api" "$VENV/bin/$service-api"
    start_process "$service-worker" "$worker" "$VENV/bin/$service-worker"
  done
  for entry in "${SERVICES[@]}"; do
    read -r service api worker <<<"$entry"
    wait_ready "$service-api" "$api"
    wait_ready "$service-worker" "$worker"
  done
}

stop() {
  for entry in "${SERVICES[@]}"; do
    read -r service _ _ <<<"$entry"
    for name in "$service-api" "$service-worker"; do
      if is_running "$RUN/$name.pid"; then
        log "stopping $name"
        kill -TERM "$(<"$RUN/$name.pid")" 2>/dev/null || true
      fi
    done
  done
  local deadline=$((SECONDS + 20))
  for pidfile in "$RUN"/*-api.pid "$RUN"/*-worker.pid; do
    [[ -e "$pidfile" ]] || continue
    while is_running "$pidfile" && ((SECONDS < deadline)); do sleep 0.2; done
    is_running "$pidfile" && kill -KILL "$(<"$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

urls() {
  for entry in "${SERVICES[@]}"; do
    read -r service api worker <<<"$entry"
    printf '  %-18s API docs http://127.0.0.1:%s/docs   worker http://127.0.0.1:%s/readyz\n' "$service" "$api" "$worker"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  urls) urls ;;
  *) echo "usage: $0 {start|stop|urls}" >&2; exit 2 ;;
esac
