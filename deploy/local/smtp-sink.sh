#!/usr/bin/env bash
# Local SMTP sink for development: accepts every message on 127.0.0.1:$SMTP_SINK_PORT and
# stores it as an .eml file under .local/mail (the notifier's email channel, NOTE-4).
#   smtp-sink.sh start   start in the background (idempotent), wait for the port
#   smtp-sink.sh stop    SIGTERM, SIGKILL after 10 s
#   smtp-sink.sh status  exit 0 when running and the port accepts connections
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SMTP_SINK_PORT="${TRUST_SMTP_SINK_PORT:-18025}"
MAIL_DIR="$STATE/mail"
PIDFILE="$RUN/smtp-sink.pid"
PYTHON="$ROOT/.venv/bin/python"
MODULE=notifier.smtp_sink  # also recognises our process in /proc/<pid>/cmdline

running() { is_running "$PIDFILE" "$MODULE"; }

start() {
  mkdir -p "$LOGS" "$RUN" "$MAIL_DIR"
  if running; then
    log "already running (pid $(<"$PIDFILE")) on 127.0.0.1:$SMTP_SINK_PORT"
    return 0
  fi
  [[ -x "$PYTHON" ]] || die "no $PYTHON; run deploy/local/python.sh first"
  port_open 127.0.0.1 "$SMTP_SINK_PORT" && die "port $SMTP_SINK_PORT is taken by another program"
  log "starting on 127.0.0.1:$SMTP_SINK_PORT, mail in $MAIL_DIR"
  nohup setsid "$PYTHON" -m "$MODULE" --host 127.0.0.1 --port "$SMTP_SINK_PORT" --dir "$MAIL_DIR" \
    >>"$LOGS/smtp-sink.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_for_port 127.0.0.1 "$SMTP_SINK_PORT" 20 || die "SMTP sink did not listen on $SMTP_SINK_PORT; see $LOGS/smtp-sink.log"
}

stop() {
  if ! running; then
    log "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  local pid deadline=$((SECONDS + 10))
  pid="$(<"$PIDFILE")"
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  while running && ((SECONDS < deadline)); do sleep 0.2; done
  running && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
}

status() {
  if running && port_open 127.0.0.1 "$SMTP_SINK_PORT"; then
    log "running (pid $(<"$PIDFILE")) on 127.0.0.1:$SMTP_SINK_PORT, $(find "$MAIL_DIR" -name '*.eml' | wc -l) messages in $MAIL_DIR"
  else
    log "not running"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 {start|stop|status}" >&2
    exit 2
    ;;
esac
