#!/usr/bin/env bash
# The local demo in one command, from a fresh clone: build the app, start a real Redis and Kafka on
# loopback, start the function app against them, replay functions/*/samples through HTTP and Kafka,
# show the resulting profiles, metrics, dead letters and the freshness page, then stop everything it started.
#
#   infra/local/run-demo.sh                  # run the demo, then stop
#   infra/local/run-demo.sh --keep-running   # ...and keep everything up, the freshness page too (Ctrl-C stops)
#
# See infra/local/README.md.
set -euo pipefail

# Work from the project root whatever the caller's directory: Maven, LocalServers and Replay all
# resolve functions/ and target/ relative to it.
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh

OUT=target/local-stack
STACK_ENV=$OUT/stack.env
STACK_LOG=$OUT/stack.log
APP_LOG=$OUT/functions.log
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

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_pid "build/replay step" "$STEP_PID" 10
  # The app stops in a few seconds (it drains its Kafka batches first, at most profiles.kafka.drain-timeout);
  # the grace period is generous, for a loaded machine.
  stop_pid "function app" "$APP_PID" 45
  local any=$APP_PID$STACK_PID
  stop_local_servers
  if [[ -n "$any" ]]; then
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

# --------------------------------------------------------------------------------------------------
say "Checking prerequisites"
find_java
command -v curl >/dev/null || die "curl not found: install it (Debian/Ubuntu: sudo apt-get install -y curl)"
command -v pgrep >/dev/null || die "pgrep not found: install it (Debian/Ubuntu: sudo apt-get install -y procps)"
if ! command -v redis-server >/dev/null; then
  # LocalServers runs a real redis-server child process; only the binary is needed, not the service.
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
say "Building (./mvnw package -DskipTests)"
mkdir -p "$OUT"
# Builds every module: the Knative application (the functions with their Kafka consumers) and the
# developer tooling (LocalServers, Replay) with its class path.
run_step ./mvnw -B -q package -DskipTests || die "the build failed (see the Maven output above)"
[[ -f "$KNATIVE_APP" && -s "$DEVTOOLS_CLASSPATH_FILE" ]] \
  || die "the build did not produce $KNATIVE_APP and $DEVTOOLS_CLASSPATH_FILE"
TOOLS_CP=$(devtools_classpath)

# --------------------------------------------------------------------------------------------------
say "Starting Redis and Kafka on loopback (LocalServers, log: $STACK_LOG)"
start_local_servers "$STACK_ENV" "$STACK_LOG" "$STACK_TIMEOUT"
echo "Redis $REDIS_URL, Kafka $KAFKA_BOOTSTRAP_SERVERS (LocalServers pid $STACK_PID)"

# --------------------------------------------------------------------------------------------------
say "Starting the function app (log: $APP_LOG)"
# The customer function stores personal columns only as keyed hashes and refuses to start without
# a key in the prod profile. Production takes it from a secret; the demo uses a fixed, non-secret
# local key unless you set PROFILE_HASH_KEY yourself.
export PROFILE_HASH_KEY="${PROFILE_HASH_KEY:-local-demo-hash-key-not-a-secret-0042}"
# Port 0: the OS picks a free port at bind time (no race with other processes); we read it from the
# log. Host 127.0.0.1: Quarkus would otherwise listen on all interfaces.
"$JAVA" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 -jar "$KNATIVE_APP" >"$APP_LOG" 2>&1 &
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
run_step "$JAVA" "$JUL" -cp "$TOOLS_CP" com.example.profiles.devtools.local.Replay --url "$APP_URL" --kafka "$KAFKA_BOOTSTRAP_SERVERS" \
  || die "the replay reported problems (see above; app log: $APP_LOG)"

say "Demo finished OK"
if [[ -z "$KEEP_RUNNING" ]]; then
  echo "The freshness page was at $APP_URL/freshness; run with --keep-running to keep it up and open it in a browser."
fi

if [[ -n "$KEEP_RUNNING" ]]; then
  cat <<INFO

Everything keeps running until you press Ctrl-C (or kill $$):
  app    $APP_URL   (log: $APP_LOG)
  page   $APP_URL/freshness   (the freshness page: open it in a browser; it reloads every 15 s)
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
