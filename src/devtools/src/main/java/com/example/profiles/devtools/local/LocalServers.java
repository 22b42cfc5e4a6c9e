package com.example.profiles.devtools.local;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.devtools.servers.KafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a real Redis and a real Kafka broker on loopback for the demo, the benchmark and
 * {@code quarkus:dev}, until killed.
 *
 * <p>Usage: {@code LocalServers [--default-ports] [ENV_FILE]} (default
 * {@code target/local-stack/stack.env}), run with the project directory as working directory. The
 * servers take free ports, or with {@code --default-ports} Redis's 6379 and Kafka's 9092, the
 * application's defaults, so {@code ./mvnw quarkus:dev} finds them with no settings. Once both
 * servers are ready and the topics of every {@code functions/*}{@code /function.json} exist, the env
 * file appears, holding {@code REDIS_URL=...} and {@code KAFKA_BOOTSTRAP_SERVERS=...}; a script can
 * wait for it and then read it. The same two settings are printed as {@code export} lines. SIGTERM
 * or SIGINT stops both servers, deletes their temp dirs and the env file.
 */
public final class LocalServers {

    private static final Path DEFAULT_ENV_FILE = Path.of("target", "local-stack", "stack.env");
    /** The ports the application's default configuration names (REDIS_URL, KAFKA_BOOTSTRAP_SERVERS unset). */
    static final int REDIS_DEFAULT_PORT = 6379;
    static final int KAFKA_DEFAULT_PORT = 9092;

    private LocalServers() {
    }

    public static void main(String[] args) throws Exception {
        // The broker logs through slf4j to the JBoss LogManager; KafkaBroker quiets it through
        // java.util.logging, which only reaches it when JBoss is the JUL LogManager. This must be set
        // before anything touches java.util.logging, hence first.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        boolean defaultPorts = false;
        Path envFileArg = DEFAULT_ENV_FILE;
        for (String arg : args) {
            if (arg.equals("--default-ports")) {
                defaultPorts = true;
            } else if (arg.startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + arg + "; usage: LocalServers [--default-ports] [ENV_FILE]");
            } else {
                envFileArg = Path.of(arg);
            }
        }
        Path envFile = envFileArg;
        // A file left by an earlier run would send a waiting script to ports nobody listens on.
        Files.deleteIfExists(envFile);

        Holder holder = new Holder();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> holder.stop(envFile), "local-stack-shutdown"));

        long started = System.nanoTime();
        holder.redis = defaultPorts ? RedisServerProcess.startOnPort(REDIS_DEFAULT_PORT) : RedisServerProcess.start();
        holder.kafka = defaultPorts ? KafkaBroker.startOnPort(KAFKA_DEFAULT_PORT) : KafkaBroker.start();
        List<String> topics = FunctionTopics.fromProject();
        holder.kafka.createTopics(topics.toArray(String[]::new));

        writeAtomically(envFile, "REDIS_URL=" + holder.redis.uri() + "\n"
                + "KAFKA_BOOTSTRAP_SERVERS=" + holder.kafka.bootstrapServers() + "\n");
        System.out.printf("Local stack ready in %d ms: Redis at %s, Kafka at %s (topics %s); wrote %s; "
                        + "stop with Ctrl-C or kill %d%n",
                (System.nanoTime() - started) / 1_000_000, holder.redis.uri(), holder.kafka.bootstrapServers(),
                topics, envFile, ProcessHandle.current().pid());
        System.out.printf("export REDIS_URL=%s%nexport KAFKA_BOOTSTRAP_SERVERS=%s%n", holder.redis.uri(), holder.kafka.bootstrapServers());
        System.out.flush();

        new CountDownLatch(1).await(); // until the process is killed; the shutdown hook cleans up
    }

    /** Written in the same folder and renamed, so a reader sees no file or the whole file. */
    private static void writeAtomically(Path target, String content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The servers, published to the shutdown hook, which may run while main is still starting them. */
    private static final class Holder {
        volatile RedisServerProcess redis;
        volatile KafkaBroker kafka;

        void stop(Path envFile) {
            try {
                Files.deleteIfExists(envFile);
            } catch (IOException ignored) {
                // the script cleans up target/ anyway
            }
            try {
                if (kafka != null) {
                    kafka.stop();
                }
            } finally {
                if (redis != null) {
                    redis.stop();
                }
            }
        }
    }
}
