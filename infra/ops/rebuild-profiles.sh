#!/usr/bin/env bash
# Rebuilds every profile from the retained history into a new generation and switches to it (or
# goes on with a rebuild that stopped), while the running instances keep serving: the packaged
# application started as a one-off job (profiles.rebuild.run=true; docs/operations.md, "Rebuilding
# the profiles"). It prints a progress line every few seconds and exits 0 once the switch is done.
# Against the Redis and Kafka of REDIS_URL and KAFKA_BOOTSTRAP_SERVERS (and the application's other
# settings from the environment, as the running instances have them).
#
#   REDIS_URL=redis://... KAFKA_BOOTSTRAP_SERVERS=... PROFILE_HASH_KEY=... infra/ops/rebuild-profiles.sh
#   PROFILES_REBUILD_MAX_EVENTS_PER_SECOND=500 infra/ops/rebuild-profiles.sh    # gentler on Redis
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=infra/local/lib.sh
source infra/local/lib.sh
find_java
[[ -n "${REDIS_URL:-}" && -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]] || die "set REDIS_URL and KAFKA_BOOTSTRAP_SERVERS to the store and the broker to rebuild from"
if [[ ! -f "$KNATIVE_APP" ]]; then
  echo "==> building the application once (./mvnw package -pl src/knative -am, tests skipped)" >&2
  ./mvnw -B -q -ntp package -DskipTests -pl src/knative -am >&2
fi
# The job's own consumers and sweeper stay off (the running instances do that work); no HTTP port
# to collide with theirs.
exec "$JAVA" -Dprofiles.rebuild.run=true -Dprofiles.kafka.consumers.enabled=false -Dprofiles.sweeper.every=off \
  -Dquarkus.http.port=0 -Dquarkus.log.console.json.enabled=false -jar "$KNATIVE_APP"
