package com.example.profiles.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.PackagedApp;
import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;

/**
 * The application's life as a process, against one real Redis and one real Kafka broker: the
 * packaged jar started, stopped with SIGTERM and killed with SIGKILL, as a platform does it. Each
 * test uses a consumer group of its own for the purchase function, so no test inherits another's
 * group members. Figures (start, stop, takeover times) are printed for the record; the assertions
 * have wide margins, because the machine may be loaded, and still tell the old behaviour apart.
 */
@LongTest
@Tag("process") // runs in failsafe, after package (see the module's pom)
class AppLifecycleProcessIT {

    private static final String TOPIC = "commerce.purchase.completed.v1";
    private static final String TYPE = "com.example.commerce.purchase.completed.v1";
    private static final String HASH_KEY = "process-test-hash-key-not-a-secret-0123";
    private static final Duration START_WITHIN = Duration.ofSeconds(120);
    /** Built by {@code package} before failsafe runs the {@code *ProcessIT} tests. */
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /**
     * C1 only and the serial collector: these tests time starts, stops and takeovers, not
     * throughput, and on a 2-core machine the full JIT would compete with everything else.
     */
    private static final List<String> JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static RedisServerProcess redis;
    static KafkaBroker kafka;

    @BeforeAll
    static void servers() {
        redis = RedisServerProcess.start();
        kafka = KafkaBroker.start();
        kafka.createTopics(FunctionTopics.fromProject().toArray(String[]::new));
    }

    @AfterAll
    static void stopServers() {
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

    /**
     * Four lifetimes on one consumer group. A clean start logs no ERROR; a SIGTERM while events stream
     * in stops the application in a few seconds (a shutdown that does not stop taking work first
     * takes 12-13 s, with dozens of "Client is closed" errors), also when Redis hangs at that moment (the batch in flight is given up after the drain
     * timeout, uncommitted); after a SIGKILL the replacement consumes within the session timeout; and
     * no event is lost or applied twice: each lifetime takes over from the committed offset.
     */
    @Test
    void stopsAndKillsWithEventsInFlightAreQuickCleanAndLoseNothing() throws Exception {
        Map<String, String> env = env("lifecycle-stop");
        int users = 200;
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean producing = new AtomicBoolean(true);
        try (KafkaEvents producer = new KafkaEvents(kafka.bootstrapServers())) {
            Thread stream = new Thread(() -> {
                while (producing.get()) {
                    for (int i = 0; i < 50; i++) {
                        int n = sent.getAndIncrement();
                        String user = "stop-" + (n % users);
                        producer.sendBinaryAsync(TOPIC, user, TYPE, "stop-" + n, "/test/lifecycle", Instant.now(), order(user, "o-" + n));
                    }
                    producer.flushAndGetLastOffset(0);
                    sleepQuietly(50); // about 500 events per second
                }
            }, "event-stream");
            stream.start();

            // 1. SIGTERM while events stream in.
            Duration started;
            Duration streamingStop;
            try (PackagedApp first = launch("stop-first", env)) {
                started = first.awaitHttp("/q/health/ready", START_WITHIN);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> purchases(users) > 500);
                streamingStop = stop(first);
                assertThat(errorLines(first)).as("ERROR lines of the first lifetime").isEmpty();
                assertThat(first.output()).contains("Stopped taking work").doesNotContain("Client is closed").doesNotContain("Mutiny had to drop");
            }

            // 2. SIGTERM while Redis hangs: the batch in flight cannot finish.
            Duration hungStop;
            String secondLog;
            try (PackagedApp second = launch("stop-second", env)) {
                second.awaitHttp("/q/health/ready", START_WITHIN);
                long before = purchases(users);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> purchases(users) > before + 200);
                redis.freeze();
                try {
                    Thread.sleep(500); // the next batch is taken and waits for Redis
                    hungStop = stop(second);
                } finally {
                    redis.unfreeze();
                }
                secondLog = second.output();
                assertThat(errorLines(second)).as("ERROR lines of the second lifetime").isEmpty();
            }
            producing.set(false);
            stream.join();

            // 3. The next lifetime applies everything that was not committed, once; then it is killed.
            try (PackagedApp third = launch("stop-third", env)) {
                third.awaitHttp("/q/health/ready", START_WITHIN);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> purchases(users) >= sent.get());
                assertThat(errorLines(third)).as("ERROR lines of the third lifetime").isEmpty();
                third.kill();
            }

            // 4. SIGKILL left the dead member in the group: the replacement (dynamic membership)
            // consumes once its session expires: 10 s (profiles.kafka.session-timeout); with Kafka's
            // default of 45 s a replacement waited about 42 s.
            Duration takeover;
            Duration idleStop;
            try (PackagedApp fourth = launch("stop-fourth", env)) {
                fourth.awaitHttp("/q/health/ready", START_WITHIN);
                long ready = System.nanoTime();
                String user = "after-kill";
                producer.sendBinary(TOPIC, user, TYPE, "after-kill", "/test/lifecycle", Instant.now(), order(user, "o-after"));
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> count(user) == 1);
                takeover = Duration.ofNanos(System.nanoTime() - ready);
                long instances = (Long) RedisCommands.call(redis.uri(), "HLEN", "profiles:generation:instances");
                idleStop = stop(fourth);
                // A clean stop takes the instance off the generation pointer's roll, so a switch
                // step does not wait for it (the SIGKILLed one stays until its timeout).
                assertThat((Long) RedisCommands.call(redis.uri(), "HLEN", "profiles:generation:instances")).isEqualTo(instances - 1);
                assertThat(errorLines(fourth)).as("ERROR lines of the fourth lifetime").isEmpty();
            }
            System.out.printf("[lifecycle] start to ready %d ms; SIGTERM to exit: streaming %d ms, Redis frozen %d ms, idle %d ms; %d events;"
                    + " after SIGKILL, dynamic membership: replacement ready to first event applied %d ms%n",
                    started.toMillis(), streamingStop.toMillis(), hungStop.toMillis(), idleStop.toMillis(), sent.get(), takeover.toMillis());
            assertThat(secondLog).contains("Stopped taking work").doesNotContain("Client is closed").doesNotContain("Mutiny had to drop");
            assertThat(streamingStop).isLessThan(Duration.ofSeconds(10));
            assertThat(hungStop).isLessThan(Duration.ofSeconds(15));
            assertThat(idleStop).isLessThan(Duration.ofSeconds(10));
            assertThat(takeover).isLessThan(Duration.ofSeconds(30));
            // Exactly once: every user has exactly the orders sent to it, none lost, none twice.
            for (int u = 0; u < users; u++) {
                long expected = sent.get() / users + (u < sent.get() % users ? 1 : 0);
                assertThat(count("stop-" + u)).as("purchases of stop-" + u).isEqualTo(expected);
            }
        }
    }

    /**
     * With static membership (KAFKA_GROUP_INSTANCE_ID) the replacement under the same identity takes
     * the partitions over at once, whatever the session timeout: here 60 s, so waiting for it would
     * fail the test.
     */
    @Test
    void aKilledInstanceWithAStableIdentityIsReplacedAtOnce() {
        Map<String, String> env = env("lifecycle-kill-static");
        env.put("KAFKA_GROUP_INSTANCE_ID", "process-test-instance");
        env.put("PROFILES_KAFKA_SESSION_TIMEOUT", "PT60S");
        env.put("PROFILES_KAFKA_HEARTBEAT_INTERVAL", "PT5S");
        Duration takeover = killAndReplace("kill-static", env);
        System.out.printf("[lifecycle] static membership: replacement ready to first event applied %d ms%n", takeover.toMillis());
        assertThat(takeover).isLessThan(Duration.ofSeconds(30));
    }

    /** A hash key shorter than the minimum stops the start with one line naming the setting, not the value. */
    @Test
    void aShortHashKeyStopsTheStartWithOneClearLine() {
        Map<String, String> env = env("lifecycle-short-key");
        env.put("PROFILE_HASH_KEY", "too-short-secret-value");
        try (PackagedApp app = launch("short-key", env)) {
            int exit = app.awaitExit(Duration.ofSeconds(90));
            String output = app.output();
            assertThat(exit).isNotZero();
            assertThat(output).contains("profiles.customer.hash-key must be at least 32 characters")
                    .doesNotContain("too-short-secret-value")
                    .doesNotContain("Listening on");
        }
    }

    /** A first instance consuming, killed; a second started: how long from its readiness to an event applied. */
    private Duration killAndReplace(String name, Map<String, String> env) {
        try (KafkaEvents producer = new KafkaEvents(kafka.bootstrapServers())) {
            try (PackagedApp first = launch(name + "-first", env)) {
                first.awaitHttp("/q/health/ready", START_WITHIN);
                String warm = name + "-warm";
                producer.sendBinary(TOPIC, warm, TYPE, name + "-warm", "/test/lifecycle", Instant.now(), order(warm, "o-warm"));
                await().atMost(Duration.ofSeconds(60)).until(() -> count(warm) == 1);
                assertThat(errorLines(first)).isEmpty();
                first.kill();
            }
            try (PackagedApp second = launch(name + "-second", env)) {
                second.awaitHttp("/q/health/ready", START_WITHIN);
                long ready = System.nanoTime();
                String user = name + "-after";
                producer.sendBinary(TOPIC, user, TYPE, name + "-after", "/test/lifecycle", Instant.now(), order(user, "o-after"));
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> count(user) == 1);
                Duration takeover = Duration.ofNanos(System.nanoTime() - ready);
                assertThat(errorLines(second)).isEmpty();
                stop(second);
                return takeover;
            }
        }
    }

    /** The packaged application with these environment variables (added to this JVM's); its log is target/process-it/NAME.log. */
    private static PackagedApp launch(String name, Map<String, String> env) {
        return PackagedApp.start(name, JAR, Path.of("target", "process-it", name + ".log"), env, JVM);
    }

    /** SIGTERM, as a platform stops a container; answers the time from the signal to the process's exit. */
    private static Duration stop(PackagedApp app) {
        long signalled = System.nanoTime();
        app.terminate();
        return Duration.ofNanos(System.nanoTime() - signalled);
    }

    /** The application's log lines at ERROR level: its production log is JSON, one object per line. */
    private static List<String> errorLines(PackagedApp app) {
        return app.output().lines().filter(line -> line.contains("\"level\":\"ERROR\"")).toList();
    }

    private static Map<String, String> env(String group) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.uri());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PROFILE_HASH_KEY", HASH_KEY);
        env.put("MP_MESSAGING_INCOMING_PURCHASE_GROUP_ID", group);
        return env;
    }

    private static String order(String user, String orderId) {
        return "{\"userId\":\"" + user + "\",\"orderId\":\"" + orderId + "\",\"currency\":\"EUR\","
                + "\"items\":[{\"sku\":\"SKU-1\",\"category\":\"books\",\"quantity\":1,\"unitPrice\":1.00}],\"total\":1.00}";
    }

    private static long count(String user) {
        Object value = RedisCommands.call(redis.uri(), "HGET", "profile:{" + user + "}", "purchase:count");
        return value == null ? 0 : Long.parseLong(value.toString());
    }

    /** Purchases applied to the users stop-0 .. stop-(users-1). */
    private static long purchases(int users) {
        long total = 0;
        for (int u = 0; u < users; u++) {
            total += count("stop-" + u);
        }
        return total;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
