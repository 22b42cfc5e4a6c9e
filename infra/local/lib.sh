# Shared by infra/local/run-demo.sh and bench/run.sh (sourced, not run): the Java to use, the
# developer tooling's class path, starting the local Redis + Kafka (LocalServers) and stopping what
# a script started. Every function works from the project root, where the sourcing script cd's.

# The same JVM as ./mvnw: JAVA_HOME if set, else java on PATH. Sets JAVA and JAVA_MAJOR.
find_java() {
  JAVA=java
  [[ -n "${JAVA_HOME:-}" ]] && JAVA="$JAVA_HOME/bin/java"
  command -v "$JAVA" >/dev/null || die "$JAVA not found: install a JDK 17 or later (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jdk-headless)"
  JAVA_MAJOR=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9]*\).*/\2/p')
  [[ -n "$JAVA_MAJOR" ]] && ((JAVA_MAJOR >= 17)) || die "Java 17 or later is needed; $JAVA is ${JAVA_MAJOR:-of an unknown version}"
}

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# The packaged applications and the tooling's class path (written by the devtools module's build).
KNATIVE_APP=src/knative/target/quarkus-app/quarkus-run.jar
DEVTOOLS_CLASSPATH_FILE=src/devtools/target/devtools.classpath
devtools_classpath() {
  [[ -s "$DEVTOOLS_CLASSPATH_FILE" ]] || die "$DEVTOOLS_CLASSPATH_FILE is missing: build first (./mvnw package -DskipTests)"
  echo "src/devtools/target/classes:$(cat "$DEVTOOLS_CLASSPATH_FILE")"
}
# The broker logs through slf4j into the JBoss LogManager, which must be the java.util.logging
# manager from the very start of the JVM.
JUL=-Djava.util.logging.manager=org.jboss.logmanager.LogManager

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

# Starts a real redis-server and an in-process Kafka broker on free loopback ports, with the topics
# of every functions/*/function.json (com.example.profiles.devtools.local.LocalServers), and waits
# until it has written REDIS_URL= and KAFKA_BOOTSTRAP_SERVERS= to $1. Sets STACK_PID and exports
# REDIS_URL and KAFKA_BOOTSTRAP_SERVERS. Args: env file, log file, timeout in seconds.
start_local_servers() {
  local env_file=$1 log_file=$2 timeout=$3
  rm -f "$env_file"   # a file from an earlier run would point at ports nobody listens on
  "$JAVA" "$JUL" -cp "$(devtools_classpath)" com.example.profiles.devtools.local.LocalServers "$env_file" >"$log_file" 2>&1 &
  STACK_PID=$!
  for ((i = 0; i < timeout * 5; i++)); do
    [[ -s "$env_file" ]] && break
    kill -0 "$STACK_PID" 2>/dev/null || { tail_log "$log_file"; die "LocalServers exited before it was ready"; }
    sleep 0.2
  done
  [[ -s "$env_file" ]] || { tail_log "$log_file"; die "Redis and Kafka were not ready within ${timeout}s"; }
  # Read the two values rather than sourcing the file: nothing in it gets executed.
  REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$env_file")
  KAFKA_BOOTSTRAP_SERVERS=$(sed -n 's/^KAFKA_BOOTSTRAP_SERVERS=//p' "$env_file")
  [[ -n "$REDIS_URL" && -n "$KAFKA_BOOTSTRAP_SERVERS" ]] || die "$env_file lacks REDIS_URL or KAFKA_BOOTSTRAP_SERVERS"
  export REDIS_URL KAFKA_BOOTSTRAP_SERVERS
}

# Stops LocalServers. Its redis-server (and that server's watchdog) are its children: note them
# before it goes, so none can outlive it even if it has to be killed.
stop_local_servers() {
  [[ -n "${STACK_PID:-}" ]] || return 0
  local children pid
  children=$(pgrep -P "$STACK_PID" 2>/dev/null | tr '\n' ' ')
  stop_pid "local servers" "$STACK_PID" 30
  for pid in $children; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "stopping leftover child $pid of the local servers" >&2
      kill -TERM "$pid" 2>/dev/null
    fi
  done
  STACK_PID=""
}

tail_log() {
  echo "---- last lines of $1 ----" >&2
  tail -n "${2:-40}" "$1" >&2 || true
  echo "----" >&2
}
