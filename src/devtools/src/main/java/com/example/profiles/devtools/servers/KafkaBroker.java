package com.example.profiles.devtools.servers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real single-node Kafka (KRaft, broker and controller in one node) running inside this JVM,
 * listening on 127.0.0.1 only, on ports chosen at start, with its log dir in a temp dir that
 * {@link #stop()} deletes.
 *
 * <p>Not {@code KafkaClusterTestKit}: that one listens on all interfaces.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** Attempts at {@link #start()}, each on fresh ports, in case another process took a port. */
    private static final int START_ATTEMPTS = 3;

    /**
     * The broker logs through slf4j into the JBoss LogManager, and starts before a Quarkus test has
     * applied its log configuration: at INFO it writes thousands of lines per run. The references
     * are kept because java.util.logging holds loggers weakly; a collected logger loses its level.
     */
    private static final List<Logger> QUIETED_LOGGERS = new ArrayList<>();

    /** The mechanism of the SASL_SSL listener: the one Amazon MSK offers for SASL/SCRAM. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    /**
     * A second listener, SASL_SSL with SCRAM-SHA-512 and this TLS identity, and the one user it
     * knows (written into the cluster metadata when the storage is formatted).
     */
    public record ScramListener(TestTls tls, String username, String password) {
    }

    private final String bootstrapServers;
    private final String saslSslBootstrapServers;
    private final Path workDir;
    private KafkaRaftServer server;

    private KafkaBroker(String bootstrapServers, String saslSslBootstrapServers, Path workDir, KafkaRaftServer server) {
        this.bootstrapServers = bootstrapServers;
        this.saslSslBootstrapServers = saslSslBootstrapServers;
        this.workDir = workDir;
        this.server = server;
    }

    /** Formats storage, starts the broker and returns once it answers an Admin describeCluster. */
    public static KafkaBroker start() {
        return start(null);
    }

    /**
     * Like {@link #start()}, with a SASL_SSL listener (SCRAM-SHA-512) as well, as an MSK cluster with
     * SASL/SCRAM has ({@link #saslSslBootstrapServers()}). The plaintext listener stays, for the tests'
     * own clients and the broker itself.
     */
    public static KafkaBroker startWithScram(ScramListener scram) {
        return start(scram);
    }

    private static KafkaBroker start(ScramListener scram) {
        quietLogging();
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return startOnce(LoopbackPorts.freePort(), LoopbackPorts.freePort(), scram == null ? 0 : LoopbackPorts.freePort(), scram);
            } catch (RuntimeException e) {
                // Most likely a port was taken between our probe and the broker's bind.
                last = e;
            }
        }
        throw last;
    }

    /** {@code 127.0.0.1:PORT} of the SASL_SSL (SCRAM) listener of a broker started with {@link #startWithScram}. */
    public String saslSslBootstrapServers() {
        if (saslSslBootstrapServers == null) {
            throw new IllegalStateException(this + " has no SASL_SSL listener");
        }
        return saslSslBootstrapServers;
    }

    /**
     * Like {@link #start()}, with the broker on the given loopback port (e.g. Kafka's default 9092,
     * for an application run with its default configuration); fails, naming the port, if it is taken.
     */
    public static KafkaBroker startOnPort(int brokerPort) {
        quietLogging();
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return startOnce(brokerPort, LoopbackPorts.freePort(), 0, null);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("the Kafka broker could not start on 127.0.0.1:" + brokerPort + " (is another broker running there?)", last);
    }

    /** {@code 127.0.0.1:PORT}, for {@code kafka.bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates each topic with one partition and replication factor 1, unless it already exists, and
     * returns once every partition has a leader.
     */
    public void createTopics(String... names) {
        createTopics(1, names);
    }

    /**
     * Creates each topic with {@code partitions} partitions and replication factor 1, unless it
     * already exists (with whatever partitions it has), and returns once every partition has a leader.
     */
    public void createTopics(int partitions, String... names) {
        if (names.length == 0) {
            return;
        }
        List<String> topics = Arrays.stream(names).distinct().toList();
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = topics.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
            for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    created.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + created.getKey(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, topics);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("could not create topics " + topics, e);
        }
    }

    /** Shuts the broker down, waits for it and deletes its log dir. Does nothing if stopped. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                server = null;
                TempDirs.deleteQuietly(workDir);
            }
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Kafka broker at " + bootstrapServers + (saslSslBootstrapServers == null ? "" : " and " + saslSslBootstrapServers + " (SASL_SSL)")
                + (isRunning() ? "" : " (stopped)");
    }

    private static KafkaBroker startOnce(int brokerPort, int controllerPort, int saslSslPort, ScramListener scram) {
        Path workDir = TempDirs.create("kafka-broker-");
        KafkaRaftServer server = null;
        try {
            Properties props = brokerProperties(workDir.resolve("data"), brokerPort, controllerPort);
            if (scram != null) {
                addScramListener(props, saslSslPort, scram);
            }
            format(workDir, props, scram);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            KafkaBroker broker = new KafkaBroker(LoopbackPorts.HOST + ":" + brokerPort,
                    scram == null ? null : LoopbackPorts.HOST + ":" + saslSslPort, workDir, server);
            broker.awaitReady();
            return broker;
        } catch (RuntimeException e) {
            if (server != null) {
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            TempDirs.deleteQuietly(workDir);
            throw e;
        }
    }

    private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        String host = LoopbackPorts.HOST;
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One node: every internal topic must make do with one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Fewer partitions of the internal topics (default 50) make the first consumer group and
        // the first transaction ready sooner.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        // Tests want a consumer group to get its partitions at once, not after the default 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        return p;
    }

    private static void addScramListener(Properties p, int port, ScramListener scram) {
        String host = LoopbackPorts.HOST;
        p.put("listeners", p.getProperty("listeners") + ",SASL_SSL://" + host + ":" + port);
        p.put("advertised.listeners", p.getProperty("advertised.listeners") + ",SASL_SSL://" + host + ":" + port);
        p.put("listener.security.protocol.map", p.getProperty("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
        p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", SCRAM_MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
        p.put("listener.name.sasl_ssl.ssl.keystore.location", scram.tls().keyStore().toString());
        p.put("listener.name.sasl_ssl.ssl.keystore.password", scram.tls().password());
        p.put("listener.name.sasl_ssl.ssl.key.password", scram.tls().password());
    }

    /**
     * {@code kafka-storage.sh format --standalone}: writes meta.properties and the bootstrap
     * checkpoint with this node as the only voter (and the SCRAM user, if any). {@code execute}
     * (unlike {@code main}) returns the exit code instead of calling System.exit.
     */
    private static void format(Path workDir, Properties props, ScramListener scram) {
        Path config = workDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "single-node KRaft broker for tests");
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + config, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            List<String> args = new ArrayList<>(List.of("format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
            if (scram != null) {
                args.add("--add-scram");
                args.add(SCRAM_MECHANISM + "=[name=" + scram.username() + ",password=" + scram.password() + "]");
            }
            exitCode = StorageTool.execute(args.toArray(String[]::new), print);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting Kafka storage failed (" + exitCode + "): "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    /** The broker is ready once it is registered and unfenced, i.e. it lists itself. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                } catch (Exception e) {
                    last = e;
                }
                sleep(50);
            }
        }
        throw new IllegalStateException("Kafka broker at " + bootstrapServers + " not ready within "
                + READY_TIMEOUT.toSeconds() + " s", last);
    }

    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(topics).allTopicNames().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean allLed = described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                if (allLed) {
                    return;
                }
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition until the metadata has reached the broker; try again
                if (System.nanoTime() >= deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("topics " + topics + " have no leader after " + ADMIN_TIMEOUT.toSeconds() + " s");
            }
            sleep(50);
        }
    }

    private static synchronized void quietLogging() {
        if (QUIETED_LOGGERS.isEmpty()) {
            for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
                Logger logger = Logger.getLogger(name);
                logger.setLevel(Level.WARNING);
                QUIETED_LOGGERS.add(logger);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }
}
