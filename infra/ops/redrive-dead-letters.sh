#!/usr/bin/env bash
# Sends a function's dead letters back to its topic once their cause is fixed, each at most once
# (DeadLetterRedrive in the tooling; docs/operations.md, "Re-driving dead letters"). Any Kafka the
# machine reaches: --bootstrap-servers, or $KAFKA_BOOTSTRAP_SERVERS; --command-config FILE for the
# client's security settings (the properties a Kafka CLI tool takes).
#
#   infra/ops/redrive-dead-letters.sh --function purchase --dry-run
#   infra/ops/redrive-dead-letters.sh --function purchase --reason 'not one of the configured currencies' --since 2026-12-01T00:00:00Z
#   infra/ops/redrive-dead-letters.sh --help
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh
find_java
if [[ ! -s "$DEVTOOLS_CLASSPATH_FILE" ]]; then
  echo "==> building the tooling once (./mvnw package -pl src/devtools -am, tests skipped)" >&2
  ./mvnw -B -q -ntp package -DskipTests -pl src/devtools -am >&2
fi
exec "$JAVA" "$JUL" -cp "$(devtools_classpath)" com.example.profiles.devtools.redrive.DeadLetterRedrive "$@"
