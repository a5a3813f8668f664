#!/usr/bin/env bash
# Local Apache Kafka for development and CI, without Docker: the broker's jars
# come from Maven Central (deploy/local/kafka/pom.xml) and one JVM runs a
# single KRaft node (broker + controller) on 127.0.0.1:$KAFKA_PORT.
#   kafka.sh start   fetch jars if needed, format storage once, start, wait
#   kafka.sh stop    SIGTERM (controlled shutdown), SIGKILL after 30 s
#   kafka.sh status  exit 0 when running and the port accepts connections
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

POM="$ROOT/deploy/local/kafka/pom.xml"
LIBS="$KAFKA_HOME/libs"
CONFIG="$KAFKA_HOME/config"
DATA="$KAFKA_HOME/data"
PIDFILE="$RUN/kafka.pid"
MVN_LOG="$LOGS/mvn.log"
# Main class, also used to recognise our JVM in /proc/<pid>/cmdline.
MAIN_CLASS=kafka.Kafka
# Fixed cluster id (16 bytes, base64url without padding, as KRaft requires):
# the data dir is formatted once and must keep matching across restarts.
CLUSTER_ID=dHJ1c3QtbG9jYWwtZGV2MQ
START_TIMEOUT=90
STOP_TIMEOUT=30

# Kafka 4.x needs Java 17+, and Maven to fetch the jars; install from Debian
# on a bare machine (Debian 12's default JRE is 17).
ensure_tools() {
  local missing=()
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
  local major
  major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
  ((${major:-0} >= 17)) || die "Kafka 4 needs Java 17 or newer, found: $(java -version 2>&1 | head -n 1)"
}

have_jars() {
  compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null
}

# Another process (the lead's bootstrap, or a parallel CI step) may be
# filling libs/ right now and writes "done <rc>" at the end of mvn.log;
# wait for that instead of racing it with a second Maven run.
wait_for_other_download() {
  [[ -f "$MVN_LOG" ]] || return 0
  grep -q 'done [0-9]' "$MVN_LOG" && return 0
  pgrep -f 'maven-dependency-plugin.*copy-dependencies' >/dev/null || return 0
  log "a Maven download into $LIBS is in progress (see $MVN_LOG); waiting"
  local deadline=$((SECONDS + 900))
  while ! grep -q 'done [0-9]' "$MVN_LOG"; do
    pgrep -f 'maven-dependency-plugin.*copy-dependencies' >/dev/null || break
    ((SECONDS < deadline)) || die "Maven download still running after 15 min"
    sleep 2
  done
}

ensure_jars() {
  wait_for_other_download
  # A mvn.log without "done 0" means the last download failed or was
  # interrupted: libs/ may be incomplete, so run Maven again (it only copies).
  if have_jars && { [[ ! -f "$MVN_LOG" ]] || grep -q 'done 0' "$MVN_LOG"; }; then
    return 0
  fi
  log "downloading Kafka jars from Maven Central into $LIBS (log: $MVN_LOG)"
  mkdir -p "$LIBS"
  local rc=0
  mvn -B -q -Dstyle.color=never -f "$POM" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$MVN_LOG" 2>&1 || rc=$?
  echo "done $rc" >>"$MVN_LOG"
  ((rc == 0)) || { tail -n 30 "$MVN_LOG" >&2; die "Maven failed (rc=$rc)"; }
  have_jars || die "Maven succeeded but no kafka_2.13 jar in $LIBS"
}

# Rewritten on every start so the config always matches this script and env.
write_config() {
  mkdir -p "$CONFIG" "$DATA"
  cat >"$CONFIG/server.properties" <<EOF
# Written by deploy/local/kafka.sh on every start; edit the script, not this.
# Single-node KRaft: this JVM is both broker and (the only) controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA

# One broker: every internal topic must get by with one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Topics are created explicitly by the services/tests, never by a typo.
auto.create.topics.enable=false
num.partitions=3
# The default 3 s delay before the first rebalance of every group only slows tests.
group.initial.rebalance.delay.ms=0
# Default is 128 MB of heap; we run with -Xmx512m and compact little.
log.cleaner.dedupe.buffer.size=8388608
EOF

  cat >"$CONFIG/log4j2.properties" <<EOF
# Written by deploy/local/kafka.sh. Everything goes to kafka.log (rolled at
# 50 MB); warnings and errors are also echoed to stdout, i.e. kafka.out.
status = warn
name = kafka-local

appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $LOGS/kafka.log
appender.file.filePattern = $LOGS/kafka.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3

appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
appender.out.filter.threshold.type = ThresholdFilter
appender.out.filter.threshold.level = warn

rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
rootLogger.appenderRef.out.ref = STDOUT

# Per-request logging is very chatty at debug/trace; keep it quiet.
logger.request.name = kafka.request.logger
logger.request.level = warn
EOF
}

# Formatting writes meta.properties with the cluster id; doing it again on a
# used data dir would fail (and must not be attempted), so only when absent.
format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  log "formatting storage in $DATA (cluster id $CLUSTER_ID)"
  java -Dlog4j2.configurationFile="$CONFIG/log4j2.properties" -Dkafka.logs.dir="$LOGS" \
    -cp "$LIBS/*" kafka.tools.StorageTool format \
    -t "$CLUSTER_ID" -c "$CONFIG/server.properties" >>"$LOGS/kafka.out" 2>&1 ||
    { tail -n 20 "$LOGS/kafka.out" >&2; die "storage format failed, see $LOGS/kafka.out"; }
}

running() {
  is_running "$PIDFILE" "$MAIN_CLASS"
}

# Wait until the port accepts connections and the log (written since
# log_offset) says the server started; fail fast if the JVM dies.
wait_ready() {
  local log_offset="$1" deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    running || {
      tail -n 30 "$LOGS/kafka.out" >&2
      die "Kafka exited during startup, see $LOGS/kafka.out and $LOGS/kafka.log"
    }
    if port_open 127.0.0.1 "$KAFKA_PORT" &&
      tail -c "+$((log_offset + 1))" "$LOGS/kafka.log" 2>/dev/null | grep -q 'Kafka Server started'; then
      return 0
    fi
    ((SECONDS < deadline)) || die "Kafka not ready after ${START_TIMEOUT}s, see $LOGS/kafka.log"
    sleep 0.5
  done
}

start() {
  mkdir -p "$LOGS" "$RUN"
  if running; then
    if port_open 127.0.0.1 "$KAFKA_PORT"; then
      log "already running (pid $(<"$PIDFILE")) on 127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    # Alive but port closed: a start is still in progress; just wait for it.
    log "pid $(<"$PIDFILE") alive but port closed; waiting for it"
    wait_for_port 127.0.0.1 "$KAFKA_PORT" "$START_TIMEOUT" ||
      die "Kafka pid $(<"$PIDFILE") does not listen on $KAFKA_PORT; try: $0 stop"
    return 0
  fi
  rm -f "$PIDFILE"
  if port_open 127.0.0.1 "$KAFKA_PORT" || port_open 127.0.0.1 "$KAFKA_CONTROLLER_PORT"; then
    die "port $KAFKA_PORT or $KAFKA_CONTROLLER_PORT is taken by another process (not ours)"
  fi

  ensure_tools
  ensure_jars
  write_config
  format_storage

  # Remember where the log ended, so the readiness check only looks at this run.
  local log_offset=0
  [[ -f "$LOGS/kafka.log" ]] && log_offset="$(stat -c %s "$LOGS/kafka.log")"

  log "starting Kafka on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
  local t0=$SECONDS
  # setsid + nohup: detach from our session so a Ctrl-C in the terminal or
  # the end of a CI step's shell does not take the broker down. The inner
  # bash writes its own pid and then execs java, so the pid file names the
  # JVM even if setsid had to fork. 9>&- keeps our lock fd out of the JVM.
  (
    cd "$KAFKA_HOME"
    # shellcheck disable=SC2016  # $$, $0, $@ belong to the inner bash
    setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
      java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$CONFIG/log4j2.properties" \
      -Dkafka.logs.dir="$LOGS" \
      -cp "$LIBS/*" "$MAIN_CLASS" "$CONFIG/server.properties" \
      >>"$LOGS/kafka.out" 2>&1 </dev/null 9>&- &
  )
  # The pid file appears as soon as the inner bash runs.
  for _ in {1..50}; do [[ -s "$PIDFILE" ]] && break; sleep 0.1; done
  wait_ready "$log_offset"
  log "ready in $((SECONDS - t0))s (pid $(<"$PIDFILE")): bootstrap servers 127.0.0.1:$KAFKA_PORT"
}

stop() {
  if ! running; then
    log "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  local pid
  pid="$(<"$PIDFILE")"
  log "stopping pid $pid (SIGTERM, controlled shutdown)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + STOP_TIMEOUT))
  # running (not kill -0): an exited JVM not yet reaped still has a pid.
  while running; do
    if ((SECONDS >= deadline)); then
      log "still alive after ${STOP_TIMEOUT}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  if running && port_open 127.0.0.1 "$KAFKA_PORT"; then
    log "running (pid $(<"$PIDFILE")) on 127.0.0.1:$KAFKA_PORT"
  else
    log "not running"
    return 1
  fi
}

case "${1:-}" in
  start | stop)
    # Serialize concurrent start/stop calls (e.g. parallel CI steps).
    mkdir -p "$RUN"
    exec 9>"$RUN/kafka.lock"
    flock -w 180 9 || die "another kafka.sh start/stop is still running"
    "$1"
    ;;
  status) status ;;
  *)
    echo "usage: $0 {start|stop|status}" >&2
    exit 2
    ;;
esac
