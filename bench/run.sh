#!/usr/bin/env bash
# The benchmark in one command (see BENCHMARKS.md): builds the app and the benchmark driver, starts
# a real Redis and Kafka on loopback (LocalServers, in the developer tooling), then the driver measures
# the machine's limits (redis-benchmark of the real update scripts, the broker's raw rate), starts
# the app jar, runs every scenario, and writes target/bench/results.json, summary.txt,
# lag-vs-load.png, series.json and the SVG charts drawn from it (lag-over-time.svg,
# drain-throughput.svg, rss-over-time.svg). Everything it started is stopped on exit, however it exits.
#
#   bench/run.sh                      # the whole run, about 8-10 minutes on 2 cores
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 bench/run.sh   # Java 25 with an AOT cache (what the image runs)
#   APP_JVM_OPTS='-Xmx96m' bench/run.sh
#   BENCH_OPTS='-Dbench.kafka-rates=1000,5000 -Dbench.backlog=100000' bench/run.sh   # a shorter run
#   BENCH_OPTS='-Dbench.phases=kafka-lag -Dbench.kafka-rates=5000 -Dbench.backlog=150000' bench/run.sh   # two minutes
#   BENCH_OPTS='-Dbench.phases=rebuild' bench/run.sh   # the start and drain, then a rebuild beside the live path: about four minutes
#   BENCH_TIMEOUT=2400 BENCH_OPTS='-Dbench.phases=http -Dbench.app-consumers=false -Dbench.step-seconds=300' bench/run.sh   # a 20-minute soak (the driver is bounded to BENCH_TIMEOUT seconds, 900 by default)
#   SKIP_BUILD=1 bench/run.sh         # reuse the last build
#   APP_JAR=/elsewhere/src/knative/target/quarkus-app/quarkus-run.jar bench/run.sh   # measure another build of the app
#   REFERENCE_JAR=... bench/run.sh    # the start-up's reference (default: this code as a fast-jar, built in the build step)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh

OUT=target/bench
STACK_ENV=$OUT/stack.env
STACK_LOG=$OUT/stack.log
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
# The app's JVM depends on the Java that runs this script (JAVA_HOME, else java on the PATH).
# Java 25 or later (what the JVM image runs; bench/results/round2/NOTES.md, "Start-up and memory"): a fixed 128 MB
# heap with a 64 MB young generation whose survivor spaces (a sixth each, filled to 90%) hold the
# events in flight at a collection instead of promoting them (bench/results/round3/aot-jar/NOTES.md:
# a third fewer full collections than a 72 MB one with the default ratio), compact object headers (JEP 519), the serial collector (2 cores: no GC
# threads competing with the event loops), C2 only (-XX:-TieredCompilation: with tiered compilation
# the compiler threads took 40% of the app's CPU during a 20 s drain), bounded metaspace, code
# cache, direct memory and 256 KB thread stacks, glibc's free memory given back every second
# (TrimNativeHeapInterval: the compiler's arenas peak at about 22 MB), one Netty arena and two Vert.x event loops; the app
# starts from an AOT cache trained by bench/aot-train.sh (same GC and header options).
# Java 17 (no AOT cache, no compact headers): a 160 MB heap with a 96 MB young generation, and
# Quarkus's AppCDS archive. The driver also sets MALLOC_ARENA_MAX=2 for the app and runs it from
# the jar's folder (the cache and the archive name the jar relative to it). The GC log lands in
# target/bench/gc.log: the driver replaces {out} with its output folder when it starts the app, and
# records the options as written here, so no result file names this machine's folders.
# (Set apart: inside ${APP_JVM_OPTS:-...} the brace of {out} would end the default early.)
AOT_TRAINING_OPTS='-XX:+UseSerialGC -XX:-TieredCompilation -XX:+UseCompactObjectHeaders -Xms128m -Xmx128m'
JAVA25_APP_JVM_OPTS="-Xms128m -Xmx128m -Xmn64m -XX:SurvivorRatio=4 -XX:TargetSurvivorRatio=90 -XX:+UseSerialGC -XX:-TieredCompilation -XX:+UseCompactObjectHeaders -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=32m -Xss256k -XX:TrimNativeHeapInterval=1000 -Dio.netty.allocator.numDirectArenas=1 -Dio.netty.allocator.numHeapArenas=1 -Dquarkus.vertx.event-loops-pool-size=2 -Xlog:gc:file={out}/gc.log"
JAVA17_APP_JVM_OPTS='-Xms160m -Xmx160m -Xmn96m -XX:+UseSerialGC -XX:-TieredCompilation -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=96m -XX:MaxDirectMemorySize=32m -Xss512k -Xlog:gc:file={out}/gc.log'
BENCH_OPTS=${BENCH_OPTS:-}
APP_JAR=${APP_JAR:-$KNATIVE_APP}
REFERENCE_JAR=${REFERENCE_JAR:-src/knative/target/reference/quarkus-run.jar}

find_java
if ((JAVA_MAJOR >= 25)); then DEFAULT_APP_JVM_OPTS=$JAVA25_APP_JVM_OPTS; else DEFAULT_APP_JVM_OPTS=$JAVA17_APP_JVM_OPTS; fi
APP_JVM_OPTS=${APP_JVM_OPTS:-$DEFAULT_APP_JVM_OPTS}
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
  if ((JAVA_MAJOR >= 25)); then
    ./mvnw -B -q package -DskipTests
  else
    # With an AppCDS archive of the app's classes (quarkus.package.jar.appcds), which the driver
    # passes to the app's JVM.
    ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
  fi
  # The start-up target's reference, started in turns with the app: the same code packaged as
  # Quarkus's default fast-jar, run without a cache, in a folder of its own.
  ./mvnw -B -q package -DskipTests -pl src/knative -am -Dquarkus.package.jar.type=fast-jar -Dquarkus.package.output-directory=reference
  if ((JAVA_MAJOR >= 25)); then
    # Then a JDK AOT cache trained on a real start and the samples (bench/aot-train.sh), which the
    # driver passes to the app's JVM (-XX:AOTCache=app.aot). Last: the cache checks the times of
    # the jars it was trained with.
    AOT_JVM_OPTS=$AOT_TRAINING_OPTS bench/aot-train.sh
  fi
fi
CP=$(devtools_classpath)

echo "==> starting Redis and Kafka (LocalServers, log $STACK_LOG)"
start_local_servers "$STACK_ENV" "$STACK_LOG" 120

echo "==> running the scenarios (bounded to ${BENCH_TIMEOUT}s)"
# shellcheck disable=SC2086
timeout "$BENCH_TIMEOUT" "$JAVA" -Xmx1g -Djava.awt.headless=true "$JUL" $BENCH_OPTS -cp "$CP" com.example.profiles.devtools.bench.BenchMain \
  --env "$STACK_ENV" --out "$OUT" --jar "$APP_JAR" --reference-jar "$REFERENCE_JAR" --stack-pid "$STACK_PID" --app-jvm "$APP_JVM_OPTS" &
DRIVER_PID=$!
wait "$DRIVER_PID"
DRIVER_PID=""
echo "==> done: $OUT/summary.txt, $OUT/results.json, $OUT/series.json, $OUT/lag-vs-load.png and the SVG charts (lag-over-time, drain-throughput, rss-over-time)"
