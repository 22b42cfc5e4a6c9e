#!/usr/bin/env bash
# Trains a JDK AOT cache (JEP 483/514/515, Java 25 or later) for the packaged Knative app and writes
# it beside the jar: src/knative/target/quarkus-app/app.aot. Run the app from that folder with
# -XX:AOTCache=app.aot on the SAME JDK build (the JVM ignores a cache of another build, with a
# warning) and the same GC / object-header options as the training run.
#
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/aot-train.sh      # after ./mvnw package
#   AOT_JVM_OPTS='-XX:+UseSerialGC -XX:+UseCompactObjectHeaders' bench/aot-train.sh
#
# Why a training run of our own and not Quarkus's build-time cache (quarkus.package.jar.aot.enabled
# with phase BUILD): Quarkus trains by starting the app with quarkus.appcds.generate, which stops it
# after static initialisation, so the cache has none of the classes of the runtime start (Vert.x,
# Netty, the Kafka clients, the Redis client, OpenAPI: about 6,500 of the 10,800 classes loaded
# before the first event) and no method profiles of the event path. Here the app starts for real
# against a local Redis and Kafka (LocalServers), the samples of functions/*/samples are replayed
# over HTTP and Kafka (Replay: valid events, duplicates, invalid ones that are dead-lettered), the
# profile route, health and metrics are read once, and the app is stopped; the JVM writes the cache
# as it exits (the -XX:AOTCacheOutput one-step workflow). Measured in bench/results/round2/NOTES.md ("Start-up").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh

APP_DIR=${APP_DIR:-src/knative/target/quarkus-app}
OUT=target/aot-train
# The cache records the GC and the object layout: train with what the app runs with (bench/run.sh's
# defaults without the GC log, and src/knative/src/main/docker/Dockerfile.jvm's options). A JVM with
# another GC or object-header setting refuses the cache with one warning line and starts without it;
# the check at the end catches that here (AotCacheOptionsTest keeps the defaults in step).
AOT_JVM_OPTS=${AOT_JVM_OPTS:--XX:+UseSerialGC -XX:-TieredCompilation -XX:+UseCompactObjectHeaders -Xms128m -Xmx128m}
DOCKERFILE=src/knative/src/main/docker/Dockerfile.jvm
APP_TIMEOUT=${APP_TIMEOUT:-120}
# AOT_TRAIN_CONSUMERS=false trains the app as a Knative Service runs it: its own Kafka consumers off
# and every sample over HTTP, so the cache holds no Kafka consumer classes the Service never loads.
# Measured: 3 MB less resident (bench/results/round2/start-and-memory-2/NOTES.md), so not the default.
AOT_TRAIN_CONSUMERS=${AOT_TRAIN_CONSUMERS:-true}

find_java
((JAVA_MAJOR >= 25)) || die "an AOT cache needs Java 25 or later (JEP 514); $JAVA is Java $JAVA_MAJOR. Set JAVA_HOME to a JDK 25."
[[ -f $APP_DIR/quarkus-run.jar ]] || die "$APP_DIR/quarkus-run.jar is missing: build first (./mvnw package -DskipTests)"
command -v redis-server >/dev/null || die "needs redis-server: apt-get install -y redis-server"
command -v curl >/dev/null || die "needs curl"

mkdir -p "$OUT"
APP_LOG=$(pwd)/$OUT/app.log
: >"$APP_LOG"
APP_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_pid "function app" "$APP_PID" 120
  stop_local_servers
  ((rc != 0)) && echo "bench/aot-train.sh FAILED (exit $rc); logs in $OUT" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> starting Redis and Kafka (LocalServers)"
start_local_servers "$OUT/stack.env" "$OUT/stack.log" 120

rm -f "$APP_DIR/app.aot"
export PROFILE_HASH_KEY="${PROFILE_HASH_KEY:-aot-training-hash-key-not-a-secret-0042}"
export MALLOC_ARENA_MAX=2
echo "==> training run: $JAVA -XX:AOTCacheOutput=app.aot $AOT_JVM_OPTS -jar quarkus-run.jar (log $OUT/app.log)"
# shellcheck disable=SC2086
(cd "$APP_DIR" && exec "$JAVA" -XX:AOTCacheOutput=app.aot $AOT_JVM_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 \
  -Dprofiles.sweeper.every=off -Dprofiles.kafka.consumers.enabled="$AOT_TRAIN_CONSUMERS" -jar quarkus-run.jar) >"$APP_LOG" 2>&1 &
APP_PID=$!
APP_PORT=""
for ((i = 0; i < APP_TIMEOUT * 5; i++)); do
  kill -0 "$APP_PID" 2>/dev/null || { tail_log "$APP_LOG"; die "the app exited during start-up"; }
  [[ -n "$APP_PORT" ]] || APP_PORT=$(sed -n 's|.*Listening on: http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$APP_LOG" | head -n 1 || true)
  if [[ -n "$APP_PORT" ]] && curl -fsS --max-time 2 "http://127.0.0.1:$APP_PORT/q/health/ready" 2>/dev/null | grep -q '"status" *: *"UP"'; then
    break
  fi
  sleep 0.2
done
[[ -n "$APP_PORT" ]] || { tail_log "$APP_LOG"; die "the app did not start within ${APP_TIMEOUT}s"; }
URL=http://127.0.0.1:$APP_PORT

HTTP_ONLY=false
[[ $AOT_TRAIN_CONSUMERS == false ]] && HTTP_ONLY=true
echo "==> replaying functions/*/samples over HTTP and Kafka (HTTP only: $HTTP_ONLY)"
"$JAVA" "$JUL" -cp "$(devtools_classpath)" com.example.profiles.devtools.local.Replay --url "$URL" --kafka "$KAFKA_BOOTSTRAP_SERVERS" --http-only "$HTTP_ONLY" \
  >"$OUT/replay.log" 2>&1 || { tail_log "$OUT/replay.log"; die "the replay reported problems"; }
# The other routes a deployment serves: the profile reader (a hit and a miss), health, metrics, OpenAPI.
for path in /profiles/shopper-42 /profiles/nobody-here /q/health/live /q/metrics /q/openapi; do
  curl -sS --max-time 10 -o /dev/null "$URL$path" || true
done

echo "==> stopping the app; the JVM writes the AOT cache as it exits"
stop_pid "function app" "$APP_PID" 120
APP_PID=""
[[ -s $APP_DIR/app.aot ]] || { tail_log "$APP_LOG"; die "no AOT cache was written"; }
# Would the JVM image use it? Its GC and object-header options, read from the Dockerfile (not its
# comments), with -XX:AOTMode=on: the JVM then exits instead of starting without the cache.
IMAGE_OPTS=$(grep -v '^#' "$DOCKERFILE" | grep -oE -- '-XX:[+-](Use[A-Za-z]+GC|UseCompactObjectHeaders)' | tr '\n' ' ')
# shellcheck disable=SC2086
if ! (cd "$APP_DIR" && "$JAVA" -XX:AOTCache=app.aot -XX:AOTMode=on $IMAGE_OPTS -cp quarkus-run.jar -version) >"$OUT/image-check.log" 2>&1; then
  cat "$OUT/image-check.log" >&2
  die "the cache is not usable with $DOCKERFILE's options ($IMAGE_OPTS): train with the same GC and object headers (AOT_JVM_OPTS)"
fi
echo "==> $APP_DIR/app.aot ($(du -m "$APP_DIR/app.aot" | cut -f1) MB), for $("$JAVA" -version 2>&1 | head -n 1)"
