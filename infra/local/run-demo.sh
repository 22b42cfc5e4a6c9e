#!/usr/bin/env bash
# The local demo in one command, from a fresh clone: build the app, start a real Redis and Kafka on
# loopback, start the function app against them, replay functions/*/samples through HTTP and Kafka,
# show the resulting profiles, metrics and dead letters, then stop everything it started.
#
#   infra/local/run-demo.sh                  # run the demo, then stop
#   infra/local/run-demo.sh --keep-running   # ...and keep everything up for your own events (Ctrl-C stops)
#
# See infra/local/README.md.
set -euo pipefail

# Work from the project root whatever the caller's directory: Maven, LocalStack and Replay all
# resolve functions/ and target/ relative to it.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

OUT=target/local-stack
STACK_ENV=$OUT/stack.env
STACK_LOG=$OUT/stack.log
APP_LOG=$OUT/functions.log
CLASSPATH_FILE=$OUT/classpath.txt
STACK_TIMEOUT=${STACK_TIMEOUT:-120}   # seconds for Redis + Kafka to come up
APP_TIMEOUT=${APP_TIMEOUT:-90}        # seconds for the app to report ready

KEEP_RUNNING=""
for arg in "$@"; do
  case "$arg" in
    --keep-running) KEEP_RUNNING=yes ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

STACK_PID=""
APP_PID=""
STEP_PID=""      # a long foreground step, run in the background so a signal interrupts it at once
STARTED_AT=$(date +%s)

elapsed() { echo "$(($(date +%s) - STARTED_AT))"; }
say() { printf '\n==> [%3ss] %s\n' "$(elapsed)" "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Stops one process we started: SIGTERM, a grace period, then SIGKILL. Only ever by its own pid.
stop_pid() {
  local name=$1 pid=$2 grace=$3
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name (pid $pid) ignored SIGTERM for ${grace}s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_pid "build/replay step" "$STEP_PID" 10
  # The app closes its Kafka consumers one after the other, about 3 s each: allow for that.
  stop_pid "function app" "$APP_PID" 45
  if [[ -n "$STACK_PID" ]]; then
    # LocalStack's redis-server (and its watchdog) are its children: note them before it goes, so
    # none can outlive it even if it has to be killed.
    local children
    children=$(pgrep -P "$STACK_PID" 2>/dev/null | tr '\n' ' ')
    stop_pid "local stack" "$STACK_PID" 30
    for pid in $children; do
      if kill -0 "$pid" 2>/dev/null; then
        echo "stopping leftover child $pid of the local stack" >&2
        kill -TERM "$pid" 2>/dev/null
      fi
    done
  fi
  if [[ -n "$APP_PID$STACK_PID" ]]; then
    echo "Stopped everything this script started. Logs: $STACK_LOG, $APP_LOG"
  fi
  if ((rc != 0)); then
    echo "run-demo.sh FAILED (exit $rc) after $(elapsed) s" >&2
  fi
  exit "$rc"
}
# With --keep-running, Ctrl-C after the demo is the normal way to stop: not a failure.
on_signal() {
  if [[ -n "$IDLE" ]]; then
    echo "stopping"
    exit 0
  fi
  echo "$1" >&2
  exit "$2"
}
IDLE=""
trap cleanup EXIT
trap 'on_signal interrupted 130' INT
trap 'on_signal terminated 143' TERM

# Runs a long step in the background and waits for it: bash runs a trap only between commands, so a
# foreground Maven build or replay would otherwise hold up Ctrl-C / SIGTERM until it finished.
run_step() {
  "$@" &
  STEP_PID=$!
  local rc=0
  wait "$STEP_PID" || rc=$?
  STEP_PID=""
  return "$rc"
}

tail_log() {
  echo "---- last lines of $1 ----" >&2
  tail -n "${2:-40}" "$1" >&2 || true
  echo "----" >&2
}

# --------------------------------------------------------------------------------------------------
say "Checking prerequisites"
# The same JVM as ./mvnw: JAVA_HOME if set, else java on PATH.
JAVA=java
[[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
command -v "$JAVA" >/dev/null || die "$JAVA not found: install a JDK 17 or later (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless)"
JAVA_MAJOR=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9]*\).*/\2/p')
[[ -n "$JAVA_MAJOR" ]] && ((JAVA_MAJOR >= 17)) || die "Java 17 or later is needed; $JAVA is ${JAVA_MAJOR:-of an unknown version}"
command -v curl >/dev/null || die "curl not found: install it (Debian/Ubuntu: sudo apt-get install -y curl)"
command -v pgrep >/dev/null || die "pgrep not found: install it (Debian/Ubuntu: sudo apt-get install -y procps)"
if ! command -v redis-server >/dev/null; then
  # LocalStack runs a real redis-server child process; only the binary is needed, not the service.
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "redis-server not found; installing it with apt-get (about 30 s)"
    run_step sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null' \
      || die "apt-get could not install redis-server"
    command -v redis-server >/dev/null || die "redis-server was installed but is not on PATH (add /usr/bin to PATH)"
  else
    die "redis-server not found on PATH: install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis) and rerun"
  fi
fi
echo "Java $JAVA_MAJOR ($JAVA), $(redis-server --version | cut -d' ' -f1-3)"

# --------------------------------------------------------------------------------------------------
say "Building (./mvnw package -DskipTests) and writing the test class path"
mkdir -p "$OUT"
# One Maven run: package also compiles the test classes (LocalStack, Replay); build-classpath lists
# the test-scope jars (Kafka broker, kafka-clients, Jackson) they need.
run_step ./mvnw -B -q package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$CLASSPATH_FILE" -Dmdep.includeScope=test \
  || die "the build failed (see the Maven output above)"
[[ -f target/quarkus-app/quarkus-run.jar && -s "$CLASSPATH_FILE" ]] \
  || die "the build did not produce target/quarkus-app/quarkus-run.jar and $CLASSPATH_FILE"
TEST_CP="target/test-classes:target/classes:$(cat "$CLASSPATH_FILE")"
# The test class path logs through slf4j into the JBoss LogManager, which must be the
# java.util.logging manager from the very start of the JVM.
JUL=-Djava.util.logging.manager=org.jboss.logmanager.LogManager

# --------------------------------------------------------------------------------------------------
say "Starting Redis and Kafka on loopback (LocalStack, log: $STACK_LOG)"
rm -f "$STACK_ENV"   # a file from an earlier run would point at ports nobody listens on
"$JAVA" "$JUL" -cp "$TEST_CP" com.example.profiles.testing.LocalStack "$STACK_ENV" >"$STACK_LOG" 2>&1 &
STACK_PID=$!
for ((i = 0; i < STACK_TIMEOUT * 5; i++)); do
  [[ -s "$STACK_ENV" ]] && break
  kill -0 "$STACK_PID" 2>/dev/null || { tail_log "$STACK_LOG"; die "LocalStack exited before it was ready"; }
  sleep 0.2
done
[[ -s "$STACK_ENV" ]] || { tail_log "$STACK_LOG"; die "Redis and Kafka were not ready within ${STACK_TIMEOUT}s"; }
# Read the two values rather than sourcing the file: nothing in it gets executed.
REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$STACK_ENV")
KAFKA_BOOTSTRAP_SERVERS=$(sed -n 's/^KAFKA_BOOTSTRAP_SERVERS=//p' "$STACK_ENV")
[[ -n "$REDIS_URL" && -n "$KAFKA_BOOTSTRAP_SERVERS" ]] || die "$STACK_ENV lacks REDIS_URL or KAFKA_BOOTSTRAP_SERVERS"
export REDIS_URL KAFKA_BOOTSTRAP_SERVERS
echo "Redis $REDIS_URL, Kafka $KAFKA_BOOTSTRAP_SERVERS (LocalStack pid $STACK_PID)"

# --------------------------------------------------------------------------------------------------
say "Starting the function app (log: $APP_LOG)"
# The customer function stores personal columns only as keyed hashes and refuses to start without
# a key in the prod profile. Production takes it from a secret; the demo uses a fixed, non-secret
# local key unless you set PROFILE_HASH_KEY yourself.
export PROFILE_HASH_KEY="${PROFILE_HASH_KEY:-local-demo-hash-key-not-a-secret-0042}"
# Port 0: the OS picks a free port at bind time (no race with other processes); we read it from the
# log. Host 127.0.0.1: Quarkus would otherwise listen on all interfaces.
"$JAVA" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 -jar target/quarkus-app/quarkus-run.jar >"$APP_LOG" 2>&1 &
APP_PID=$!
APP_PORT=""
READY=""
for ((i = 0; i < APP_TIMEOUT * 5; i++)); do
  kill -0 "$APP_PID" 2>/dev/null || { tail_log "$APP_LOG"; die "the function app exited during start-up"; }
  if [[ -z "$APP_PORT" ]]; then
    APP_PORT=$(sed -n 's|.*Listening on: http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$APP_LOG" | head -n 1)
  fi
  if [[ -n "$APP_PORT" ]] && curl -fsS --max-time 2 "http://127.0.0.1:$APP_PORT/q/health/ready" 2>/dev/null | grep -q '"status" *: *"UP"'; then
    READY=yes
    break
  fi
  sleep 0.2
done
if [[ -z "$READY" ]]; then
  tail_log "$APP_LOG"
  if [[ -n "$APP_PORT" ]]; then
    curl -sS --max-time 2 "http://127.0.0.1:$APP_PORT/q/health/ready" >&2 || true
  fi
  die "the function app was not ready (GET /q/health/ready UP) within ${APP_TIMEOUT}s"
fi
APP_URL="http://127.0.0.1:$APP_PORT"
echo "Function app ready at $APP_URL (pid $APP_PID)"

# --------------------------------------------------------------------------------------------------
say "Replaying functions/*/samples (HTTP and Kafka, alternately)"
run_step "$JAVA" "$JUL" -cp "$TEST_CP" com.example.profiles.localrun.Replay --url "$APP_URL" --kafka "$KAFKA_BOOTSTRAP_SERVERS" \
  || die "the replay reported problems (see above; app log: $APP_LOG)"

say "Demo finished OK"

if [[ -n "$KEEP_RUNNING" ]]; then
  cat <<INFO

Everything keeps running until you press Ctrl-C (or kill $$):
  app    $APP_URL   (log: $APP_LOG)
  Redis  $REDIS_URL
  Kafka  $KAFKA_BOOTSTRAP_SERVERS
Send your own event, then read the profile:
  curl -i $APP_URL/ -H 'ce-specversion: 1.0' -H "ce-id: \$(date +%s%N)" -H 'ce-source: /me/curl' \\
    -H 'ce-type: com.example.commerce.purchase.completed.v1' -H "ce-time: \$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\
    -H 'content-type: application/json' \\
    -d '{"userId":"shopper-7","orderId":"o-1","currency":"EUR","items":[{"sku":"MUG","category":"home","quantity":1,"unitPrice":9.5}],"total":9.5}'
  curl -s $APP_URL/profiles/shopper-7
INFO
  # Interruptible by Ctrl-C/SIGTERM (unlike a foreground sleep); the EXIT trap stops everything.
  IDLE=yes
  wait "$APP_PID" || true
  IDLE=""
  die "the function app stopped on its own (see $APP_LOG)"
fi
