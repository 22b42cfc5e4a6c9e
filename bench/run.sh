#!/usr/bin/env bash
# The benchmark in one command (see BENCHMARKS.md): builds the app and the benchmark driver, starts
# a real Redis and Kafka on loopback (LocalServers, in the developer tooling), then the driver measures
# the machine's limits (redis-benchmark of the real update scripts, the broker's raw rate), starts
# the app jar, runs every scenario, and writes target/bench/results.json, summary.txt and
# lag-vs-load.png. Everything it started is stopped on exit, however it exits.
#
#   bench/run.sh                      # the whole run, about 8-10 minutes on 2 cores
#   APP_JVM_OPTS='-Xmx96m' bench/run.sh
#   BENCH_OPTS='-Dbench.kafka-rates=1000,5000 -Dbench.backlog=100000' bench/run.sh   # a shorter run
#   BENCH_OPTS='-Dbench.phases=kafka-lag -Dbench.kafka-rates=5000 -Dbench.backlog=150000' bench/run.sh   # two minutes
#   SKIP_BUILD=1 bench/run.sh         # reuse the last build
#   APP_JAR=/elsewhere/src/knative/target/quarkus-app/quarkus-run.jar bench/run.sh   # measure another build of the app
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh

OUT=target/bench
STACK_ENV=$OUT/stack.env
STACK_LOG=$OUT/stack.log
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
# The app's JVM: a fixed 160 MB heap with a large young generation (the event path allocates fast
# and keeps little; with 112 MB and a 48 MB old generation the Kafka drain ran a full GC every
# second, see BENCHMARKS.md), the serial collector (2 cores: no GC threads competing with the event
# loops), C2 only (-XX:-TieredCompilation: with tiered compilation the compiler threads took 40% of
# the app's CPU during a 20 s drain, on the cores the event loops need; C2 alone compiles far less
# and measured faster on every load phase, at about 0.2 s more start-up), bounded metaspace, code
# cache and direct memory. The driver also sets MALLOC_ARENA_MAX=2 for the app and runs it from
# the jar's folder (the AppCDS archive names the jar relative to it). The GC log lands in
# target/bench/gc.log: the driver replaces {out} with its output folder when it starts the app, and
# records the options as written here, so no result file names this machine's folders.
# (Set apart: inside ${APP_JVM_OPTS:-...} the brace of {out} would end the default early.)
DEFAULT_APP_JVM_OPTS='-Xms160m -Xmx160m -Xmn96m -XX:+UseSerialGC -XX:-TieredCompilation -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=96m -XX:MaxDirectMemorySize=32m -Xss512k -Xlog:gc:file={out}/gc.log'
APP_JVM_OPTS=${APP_JVM_OPTS:-$DEFAULT_APP_JVM_OPTS}
BENCH_OPTS=${BENCH_OPTS:-}
APP_JAR=${APP_JAR:-$KNATIVE_APP}

find_java
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null \
  || { echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }

STACK_PID=""
DRIVER_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_pid "benchmark driver" "$DRIVER_PID" 60
  # The driver stops the app itself; if the driver died first, its pid file says which process.
  if [[ -f $OUT/app.pid ]]; then stop_pid "function app" "$(cat $OUT/app.pid)" 40; rm -f $OUT/app.pid; fi
  stop_local_servers
  ((rc != 0)) && echo "bench/run.sh FAILED (exit $rc); logs in $OUT" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$OUT"
rm -f "$OUT/app.pid" "$STACK_ENV"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "==> building (./mvnw package, tests skipped)"
  # With an AppCDS archive of the app's classes (quarkus.package.jar.appcds), which the driver
  # passes to the app's JVM: about 0.3 s less start-up here.
  ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
fi
CP=$(devtools_classpath)

echo "==> starting Redis and Kafka (LocalServers, log $STACK_LOG)"
start_local_servers "$STACK_ENV" "$STACK_LOG" 120

echo "==> running the scenarios (bounded to ${BENCH_TIMEOUT}s)"
# shellcheck disable=SC2086
timeout "$BENCH_TIMEOUT" "$JAVA" -Xmx1g -Djava.awt.headless=true "$JUL" $BENCH_OPTS -cp "$CP" com.example.profiles.devtools.bench.BenchMain \
  --env "$STACK_ENV" --out "$OUT" --jar "$APP_JAR" --stack-pid "$STACK_PID" --app-jvm "$APP_JVM_OPTS" &
DRIVER_PID=$!
wait "$DRIVER_PID"
DRIVER_PID=""
echo "==> done: $OUT/summary.txt, $OUT/results.json, $OUT/lag-vs-load.png"
