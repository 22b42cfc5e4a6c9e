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

    private final String bootstrapServers;
    private final Path workDir;
    private KafkaRaftServer server;

    private KafkaBroker(String bootstrapServers, Path workDir, KafkaRaftServer server) {
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        this.server = server;
    }

    /** Formats storage, starts the broker and returns once it answers an Admin describeCluster. */
    public static KafkaBroker start() {
        quietLogging();
        RuntimeException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return startOnce(LoopbackPorts.freePort(), LoopbackPorts.freePort());
            } catch (RuntimeException e) {
                // Most likely a port was taken between our probe and the broker's bind.
                last = e;
            }
        }
        throw last;
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
                return startOnce(brokerPort, LoopbackPorts.freePort());
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
        return "Kafka broker at " + bootstrapServers + (isRunning() ? "" : " (stopped)");
    }

    private static KafkaBroker startOnce(int brokerPort, int controllerPort) {
        Path workDir = TempDirs.create("kafka-broker-");
        KafkaRaftServer server = null;
        try {
            Properties props = brokerProperties(workDir.resolve("data"), brokerPort, controllerPort);
            format(workDir, props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            KafkaBroker broker = new KafkaBroker(LoopbackPorts.HOST + ":" + brokerPort, workDir, server);
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

    /**
     * {@code kafka-storage.sh format --standalone}: writes meta.properties and the bootstrap
     * checkpoint with this node as the only voter. {@code execute} (unlike {@code main}) returns the
     * exit code instead of calling System.exit.
     */
    private static void format(Path workDir, Properties props) {
        Path config = workDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "single-node KRaft broker for tests");
        } catch (IOException e) {
            throw new IllegalStateException("could not write " + config, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {
                "format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString()
            }, print);
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
