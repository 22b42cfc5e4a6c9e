#!/usr/bin/env bash
# What the update scripts cost Redis per event (ScriptCost in src/devtools): the benchmark's stream
# mix through the real scripts on a scratch redis-server, Redis's own time per event from
# INFO commandstats (in total, per command, per script), beside the scripts' command floor (their
# own commands recorded and replayed without logic, CommandFloor; floorRatio in the JSON), then
# redis-benchmark of the scripts. No app and no Kafka: a few minutes. Run it alone on the machine
# (on a shared one, under its lock):
#
#   bench/script-cost.sh
#   BENCH_OPTS='-Dbench.script-cost.events=100000 -Dbench.script-cost.rounds=3' SKIP_BUILD=1 bench/script-cost.sh
#   BENCH_OPTS='-Dbench.script-cost.compare=target/old-scripts -Dbench.script-cost.rounds=2 -Dbench.script-cost.per-kind=false -Dbench.script-cost.floor=false' bench/script-cost.sh   # A/B in turns
#   BENCH_OPTS='-Dbench.script-cost.compare=bench/results/round2/command-floor/scripts/floor-one-hash -Dbench.script-cost.rounds=2' bench/script-cost.sh   # against round two's hand-written one-hash floor
#   BENCH_OPTS='-Dbench.script-cost.redis-config=zset-max-listpack-value=1024' bench/script-cost.sh   # a server setting tried (CONFIG SET)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh
find_java
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null \
  || { echo "needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools" >&2; exit 1; }
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "==> building the core and the driver (./mvnw package, tests skipped)"
  ./mvnw -B -q -ntp package -DskipTests -pl src/devtools -am
fi
mkdir -p target/bench
# 2 GB: the stream's calls and the floor's, of the mix and of each kind alone, are all held for the rounds.
# shellcheck disable=SC2086
"$JAVA" -Xmx2g "$JUL" -Dbench.script-cost.out=target/bench/script-cost.json ${BENCH_OPTS:-} \
  -cp "$(devtools_classpath)" com.example.profiles.devtools.bench.ScriptCost
