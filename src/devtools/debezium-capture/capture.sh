#!/usr/bin/env bash
# Captures real Debezium change records of the sample customers table: PostgreSQL 15 (wal_level
# logical, run as an unprivileged user), a KRaft Kafka broker and Kafka Connect standalone 4.3.0
# running the Debezium PostgreSQL connector 3.6.1.Final with pgoutput, three ways at once:
#   typed    JsonConverter schemas.enable=true, every Debezium default (decimal.handling.mode=precise,
#            time.precision.mode=adaptive, binary.handling.mode=bytes)
#   plain    schemas.enable=false, decimal.handling.mode=string
#   plaindbl schemas.enable=false, decimal.handling.mode=double, binary.handling.mode=hex
# It snapshots schema.sql's rows, applies changes.sql, and writes every record of the three topics
# as JSON ({topic, partition, offset, headers, key, value}) into OUT.
#
# usage: capture.sh WORK OUT      (WORK: an empty scratch folder outside the repository)
# needs: PostgreSQL 15 binaries (initdb, pg_ctl, psql) and a user 'postgres' to run them as;
#        Java 17; Maven (to fetch Kafka and Debezium into WORK/lib with pom.xml beside this script).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mkdir -p "$1" && cd "$1" && pwd)"
out="$(mkdir -p "$2" && cd "$2" && pwd)"
pg_user=postgres

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ ! -d "$work/lib" ]; then
  mvn -B -q -ntp -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$work/lib"
fi
cp="$work/lib/*"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  runuser -u "$pg_user" -- pg_ctl -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- PostgreSQL
pg_port=$(free_port)
chmod a+x "$work" # the unprivileged user reaches WORK/pg through it (a mktemp -d folder is 0700)
mkdir -p "$work/pg" && chown "$pg_user" "$work/pg"
runuser -u "$pg_user" -- initdb -D "$work/pg" -A trust -U postgres >/dev/null
runuser -u "$pg_user" -- pg_ctl -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10 -k /tmp" start >/dev/null
psql -h 127.0.0.1 -p "$pg_port" -U postgres -q -c 'CREATE DATABASE shop'
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d shop -q -v ON_ERROR_STOP=1 -f "$here/schema.sql"

# --- Kafka (KRaft, one node)
broker=$(free_port); controller=$(free_port); rest=$(free_port)
cat > "$work/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$broker,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$broker
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$work/kafka-data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
java -cp "$cp" kafka.tools.StorageTool format --standalone -t "$(python3 -c 'import uuid,base64;print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))')" \
  -c "$work/server.properties" >/dev/null
java -cp "$cp" kafka.Kafka "$work/server.properties" > "$work/kafka.log" 2>&1 &
pids+=($!)

# --- Kafka Connect standalone with three connectors
cat > "$work/worker.properties" <<PROPS
bootstrap.servers=127.0.0.1:$broker
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename=$work/connect.offsets
offset.flush.interval.ms=1000
listeners=http://127.0.0.1:$rest
plugin.discovery=only_scan
PROPS
connector() { # name prefix extra...
  local name=$1 prefix=$2; shift 2
  {
    echo "name=$name"
    echo "connector.class=io.debezium.connector.postgresql.PostgresConnector"
    echo "tasks.max=1"
    echo "plugin.name=pgoutput"
    echo "database.hostname=127.0.0.1"
    echo "database.port=$pg_port"
    echo "database.user=postgres"
    echo "database.dbname=shop"
    echo "topic.prefix=$prefix"
    echo "table.include.list=public.customers"
    echo "slot.name=${prefix}_slot"
    echo "publication.name=${prefix}_publication"
    echo "publication.autocreate.mode=filtered"
    echo "snapshot.mode=initial"
    echo "tombstones.on.delete=true"
    printf '%s\n' "$@"
  } > "$work/$name.properties"
}
connector typed typed
connector plain plain key.converter.schemas.enable=false value.converter.schemas.enable=false \
  key.converter=org.apache.kafka.connect.json.JsonConverter value.converter=org.apache.kafka.connect.json.JsonConverter \
  decimal.handling.mode=string
connector plaindbl plaindbl key.converter.schemas.enable=false value.converter.schemas.enable=false \
  key.converter=org.apache.kafka.connect.json.JsonConverter value.converter=org.apache.kafka.connect.json.JsonConverter \
  decimal.handling.mode=double binary.handling.mode=hex
grep -v -e password -e database.port "$work/typed.properties" > "$out/connector-typed.properties"
grep -v database.port "$work/plain.properties" > "$out/connector-plain.properties"
grep -v database.port "$work/plaindbl.properties" > "$out/connector-plaindbl.properties"
java -cp "$cp" org.apache.kafka.connect.cli.ConnectStandalone "$work/worker.properties" \
  "$work/typed.properties" "$work/plain.properties" "$work/plaindbl.properties" > "$work/connect.log" 2>&1 &
pids+=($!)

# Wait for the three snapshots (two rows each), then make the changes.
for _ in $(seq 1 120); do
  n=$(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d shop -Atc "SELECT count(*) FROM pg_replication_slots WHERE active" || echo 0)
  [ "$n" = 3 ] && break
  sleep 1
done
[ "$n" = 3 ] || { echo "the connectors did not start streaming; see $work/connect.log" >&2; exit 1; }
sleep 5
psql -h 127.0.0.1 -p "$pg_port" -U postgres -d shop -q -v ON_ERROR_STOP=1 -f "$here/changes.sql"
sleep 10
java -cp "$cp" "$here/DumpTopics.java" "127.0.0.1:$broker" "$out" typed.public.customers plain.public.customers plaindbl.public.customers
