package com.example.profiles.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.FunctionTopics;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.PackagedApp;
import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.LongTest;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An erased shopper leaves every index, whatever point of a Kafka batch's life the application is
 * killed at, and also when another instance's batch adds the shopper back after the erasure's
 * clean-up. The packaged application reads the customers topic as a Debezium connector writes it;
 * each instance connects to Redis as a user of its own, so a Redis ACL can hold one instance at a
 * chosen command (its batch retries in place there) while the test kills it or lets another take
 * over. After each story the user must be in no freshness index or due queue within seconds.
 */
@LongTest
@Tag("process") // runs in failsafe, after package (see the parent pom)
class ErasureCrashProcessIT {

    private static final String TOPIC = "shop.public.customers";
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final List<String> JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final Duration CLEAN_WITHIN = Duration.ofSeconds(15);

    static RedisServerProcess redis;
    static KafkaBroker kafka;
    private final List<PackagedApp> apps = new ArrayList<>();
    private long lsn = 1_000;

    @BeforeAll
    static void servers() {
        redis = RedisServerProcess.start();
        kafka = KafkaBroker.start();
        kafka.createTopics(FunctionTopics.fromProject().toArray(String[]::new));
        for (String user : List.of("a", "b")) {
            RedisCommands.call(redis.uri(), "ACL", "SETUSER", user, "on", ">pw-" + user, "~*", "&*", "+@all");
        }
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

    @AfterEach
    void stopApps() {
        for (PackagedApp app : apps) {
            signal("CONT", app);
            app.close();
        }
        apps.clear();
        allow("a", "incr", "zrem");
        acl("a", "resetkeys", "~*");
    }

    @Test
    void killedBeforeTheDeletesScriptRan() {
        PackagedApp first = start("before-script", "a");
        String user = insertAndAwaitIndexed("k1");
        // Writes paused: the delete's script waits (its deadline passes, it is retried in place).
        RedisCommands.call(redis.uri(), "CLIENT", "PAUSE", "60000", "WRITE");
        try {
            delete(user);
            sleep(2_000);
            assertThat(indexedIn(user)).isNotEmpty();
            first.kill();
        } finally {
            RedisCommands.call(redis.uri(), "CLIENT", "UNPAUSE");
        }
        assertThat(exists("profile:{" + user + "}")).isTrue();
        start("before-script-again", "a");
        awaitGone(user);
        assertThat(exists("profile:{" + user + "}")).isFalse();
    }

    @Test
    void killedBetweenTheErasureAndItsCleanUp() {
        PackagedApp first = start("before-clean-up", "a");
        String user = insertAndAwaitIndexed("k2");
        deny("a", "incr", "zrem");
        delete(user);
        await().atMost(Duration.ofSeconds(30)).until(() -> !exists("profile:{" + user + "}"));
        sleep(500);
        assertThat(indexedIn(user)).as("the script ran, the clean-up waits").isNotEmpty();
        first.kill();
        allow("a", "incr", "zrem");
        start("before-clean-up-again", "a");
        awaitGone(user);
    }

    @Test
    void killedAfterTheCleanUpBeforeTheCommit() {
        PackagedApp first = start("before-commit", "a");
        String user = insertAndAwaitIndexed("k3");
        delete(user);
        awaitGone(user);
        first.kill(); // the offsets may not be committed yet: the delete comes again
        start("before-commit-again", "a");
        sleep(5_000);
        assertThat(indexedIn(user)).isEmpty();
        assertThat(exists("profile:{" + user + "}")).isFalse();
    }

    @Test
    void anotherInstancesLateBatchDoesNotBringTheErasedUserBack() {
        PackagedApp a = start("late-a", "a");
        String user = insertAndAwaitIndexed("k4");
        // A applies an update of the user and is held before its index additions (it may write the
        // user's own keys, only read the others), then freezes.
        acl("a", "resetkeys", "~profile:*", "%R~*");
        change(user, "u");
        await().atMost(Duration.ofSeconds(30)).until(() -> "u".equals(RedisCommands.call(redis.uri(), "HGET", "profile:{" + user + "}", "customer:op")));
        signal("STOP", a);
        // B takes the partition over (A's session times out), applies the update again and the delete,
        // and cleans up: the user is in no index.
        start("late-b", "b");
        delete(user);
        awaitGone(user);
        // A wakes up: its batch sends the additions it computed before the erasure (the ZADDs seen
        // below are A's: B has nothing left to do, and the sweeper is off), then takes them back.
        RedisCommands.call(redis.uri(), "CONFIG", "RESETSTAT");
        acl("a", "resetkeys", "~*");
        signal("CONT", a);
        await().atMost(Duration.ofSeconds(30)).until(() -> calls("zadd") >= 1);
        awaitGone(user);
        assertThat(calls("hmget")).as("the late batch checked the user it added").isPositive();
        assertThat(exists("profile:{" + user + "}")).isFalse();
    }

    // --- helpers

    private PackagedApp start(String name, String redisUser) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.uri().replace("redis://", "redis://" + redisUser + ":pw-" + redisUser + "@"));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PROFILE_HASH_KEY", "process-test-hash-key-not-a-secret-0123");
        env.put("PROFILES_KAFKA_SESSION_TIMEOUT", "PT6S");
        env.put("PROFILES_KAFKA_HEARTBEAT_INTERVAL", "PT2S");
        env.put("PROFILES_SWEEPER_EVERY", "off"); // the sweeper would clean up too: these stories are about the event path
        PackagedApp app = PackagedApp.start(name, JAR, Path.of("target", "process-it", name + ".log"), env, JVM);
        apps.add(app);
        app.awaitHttp("/q/health/ready", Duration.ofSeconds(120));
        return app;
    }

    private String insertAndAwaitIndexed(String prefix) {
        String user = prefix + "-" + CloudEvents.newId();
        change(user, "c");
        await().atMost(Duration.ofSeconds(60)).until(() -> indexedIn(user).size() == 3);
        return user;
    }

    private void delete(String user) {
        change(user, "d");
    }

    /** A Debezium record of the customers table, as the connector writes it to the topic. */
    private void change(String user, String op) {
        ObjectNode change;
        try (InputStream in = ErasureCrashProcessIT.class.getResourceAsStream("/fixtures/debezium/customers-insert.json")) {
            change = (ObjectNode) CloudEvents.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ((ObjectNode) change.get("after")).put("id", user);
        change.put("op", op);
        if (op.equals("d")) {
            change.set("before", CloudEvents.JSON.createObjectNode().put("id", user));
            change.putNull("after");
        }
        lsn += 1_000;
        long now = System.currentTimeMillis();
        ((ObjectNode) change.get("source")).put("lsn", lsn).put("txId", lsn / 1000).put("ts_ms", now - 1_000);
        change.put("ts_ms", now);
        try (KafkaEvents producer = new KafkaEvents(kafka.bootstrapServers())) {
            producer.sendRaw(TOPIC, "{\"id\":\"" + user + "\"}", change.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void awaitGone(String user) {
        await().atMost(CLEAN_WITHIN).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(indexedIn(user)).as(user).isEmpty());
    }

    /** The freshness indexes and due queues that hold the user. */
    @SuppressWarnings("unchecked")
    private static List<String> indexedIn(String user) {
        List<String> found = new ArrayList<>();
        for (String pattern : List.of("freshness:{*", "due:{*")) {
            String cursor = "0";
            do {
                List<Object> reply = (List<Object>) RedisCommands.call(redis.uri(), "SCAN", cursor, "MATCH", pattern, "TYPE", "zset", "COUNT", "1000");
                cursor = (String) reply.get(0);
                for (Object key : (List<Object>) reply.get(1)) {
                    if (RedisCommands.call(redis.uri(), "ZSCORE", (String) key, user) != null) {
                        found.add((String) key);
                    }
                }
            } while (!cursor.equals("0"));
        }
        return found;
    }

    /** Calls of a command since the last CONFIG RESETSTAT, by every client. */
    private static long calls(String command) {
        return com.example.profiles.testing.CommandStats.calls(List.of(redis.uri())).getOrDefault(command, 0L);
    }

    private static boolean exists(String key) {
        return (Long) RedisCommands.call(redis.uri(), "EXISTS", key) == 1L;
    }

    private static void deny(String user, String... commands) {
        acl(user, java.util.Arrays.stream(commands).map(command -> "-" + command).toArray(String[]::new));
    }

    private static void allow(String user, String... commands) {
        acl(user, java.util.Arrays.stream(commands).map(command -> "+" + command).toArray(String[]::new));
    }

    private static void acl(String user, String... rules) {
        List<String> args = new ArrayList<>(List.of("ACL", "SETUSER", user));
        args.addAll(List.of(rules));
        RedisCommands.call(redis.uri(), args.toArray(String[]::new));
    }

    /** SIGSTOP freezes the instance as a long pause would; SIGCONT lets it go on. */
    private static void signal(String name, PackagedApp app) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(app.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
