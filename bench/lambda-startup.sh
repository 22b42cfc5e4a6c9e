#!/usr/bin/env bash
# Start-up of the packaged Lambda function (JVM packaging) under the AWS Runtime Interface Client,
# as LambdaRuntimeIT measures it: RUNS runs one after the other, each a fresh build of
# src/lambda/target/function.zip and one run of the test. Writes, per run, the machine, the load
# average before and after, and the test's figures to target/bench/lambda-startup.txt (copy what you
# keep to the round's folder in bench/results/, e.g. bench/results/round2/lambda-startup/). On a
# shared machine run it under the team's machine lock, e.g.
#
#   flock "$MACHINE_LOCK" bash bench/lambda-startup.sh        # 3 runs, about 4 minutes each
#   RUNS=1 bash bench/lambda-startup.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-3}
OUT=target/bench/lambda-startup.txt
FIGURES=src/lambda/target/lambda-runtime-it/startup-figures.txt
COMMAND=(./mvnw -B -ntp verify -Pfull -pl src/lambda -am -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LambdaRuntimeIT)

mkdir -p "$(dirname "$OUT")"
{
  echo "# Lambda start-up, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command (per run): ${COMMAND[*]}"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), $(java -version 2>&1 | head -1)"
} > "$OUT"

for run in $(seq 1 "$RUNS"); do
  rm -f "$FIGURES"
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  started=$(date -u +%H:%M:%S)
  if ! "${COMMAND[@]}" > "target/bench/lambda-startup-run$run.log" 2>&1; then
    echo "run $run failed: see target/bench/lambda-startup-run$run.log" | tee -a "$OUT"
    exit 1
  fi
  # LambdaRuntimeIT is one of the long tests (-Pfull above): a run that skipped it writes no figures.
  [[ -s $FIGURES ]] || { echo "run $run wrote no $FIGURES: did LambdaRuntimeIT run? see target/bench/lambda-startup-run$run.log" | tee -a "$OUT"; exit 1; }
  {
    echo
    echo "## run $run ($started to $(date -u +%H:%M:%S) UTC), load average (1, 5, 15 min) before: $before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
    grep -v '^#' "$FIGURES"
  } >> "$OUT"
done
cat "$OUT"
