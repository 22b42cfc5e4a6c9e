package com.example.profiles.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.profiles.devtools.servers.RedisClusterProcess;
import com.example.profiles.devtools.servers.KafkaBroker;
import com.example.profiles.devtools.servers.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager.TestInjector;

/** Proves that {@link RedisClusterProcess} forms a real Redis Cluster that behaves as one. */
class RedisClusterProcessTest {

    @Test
    void formsAClusterThatShardsByHashTagAndStopsCleanly() {
        long t0 = System.nanoTime();
        RedisClusterProcess cluster = RedisClusterProcess.start();
        try {
            System.out.printf("Redis Cluster formed in %d ms at %s%n", millis(t0), cluster.hostsConfig());

            // Three masters on loopback, each agreeing the cluster is whole.
            List<String> uris = cluster.uris();
            assertEquals(3, uris.size());
            assertEquals(3, uris.stream().distinct().count());
            uris.forEach(uri -> assertTrue(uri.matches("redis://127\\.0\\.0\\.1:\\d+"), uri));
            assertEquals(String.join(",", uris), cluster.hostsConfig());
            for (String uri : uris) {
                Map<String, String> info = RedisClusterProcess.clusterInfo(uri);
                assertEquals("ok", info.get("cluster_state"), uri);
                assertEquals("16384", info.get("cluster_slots_assigned"), uri);
                assertEquals("3", info.get("cluster_known_nodes"), uri);
                assertEquals("3", info.get("cluster_size"), uri);
            }

            // A hash tag keeps a profile and its marker on one node.
            String owner = cluster.nodeUriForKey("profile:{u1}");
            assertEquals(owner, cluster.nodeUriForKey("profile:{u1}:applied"));
            assertEquals(RedisCommands.call(owner, "CLUSTER", "KEYSLOT", "profile:{u1}"),
                    RedisCommands.call(owner, "CLUSTER", "KEYSLOT", "profile:{u1}:applied"));
            assertEquals("OK", RedisCommands.call(owner, "SET", "profile:{u1}", "v"));
            assertEquals("OK", RedisCommands.call(owner, "SET", "profile:{u1}:applied", "1"));
            String other = uris.stream().filter(uri -> !uri.equals(owner)).findFirst().orElseThrow();
            RedisCommands.RedisErrorReply moved = assertThrows(RedisCommands.RedisErrorReply.class,
                    () -> RedisCommands.call(other, "GET", "profile:{u1}"));
            assertTrue(moved.getMessage().startsWith("MOVED "), moved.getMessage());

            // A script over keys of two slots is refused, even on the node that owns the first key.
            String ownerOfA = cluster.nodeUriForKey("{a}:x");
            assertNotEquals(RedisCommands.call(ownerOfA, "CLUSTER", "KEYSLOT", "{a}:x"),
                    RedisCommands.call(ownerOfA, "CLUSTER", "KEYSLOT", "{b}:y"));
            RedisCommands.RedisErrorReply crossSlot = assertThrows(RedisCommands.RedisErrorReply.class,
                    () -> RedisCommands.call(ownerOfA, "EVAL",
                            "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return 1",
                            "2", "{a}:x", "{b}:y", "v"));
            assertTrue(crossSlot.getMessage().startsWith("CROSSSLOT"), crossSlot.getMessage());
            // ... while one over keys of one slot runs.
            assertEquals(1L, RedisCommands.call(ownerOfA, "EVAL",
                    "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return 1",
                    "2", "{a}:x", "{a}:y", "v"));

            // keys() sees the keys of every node; flushAll() empties every node.
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String key = "scan:" + i;
                RedisCommands.call(cluster.nodeUriForKey(key), "SET", key, "v");
                written.add(key);
            }
            assertEquals(written.stream().sorted().toList(), cluster.keys("scan:*"));
            assertEquals(3, written.stream().map(cluster::nodeUriForKey).distinct().count(),
                    "30 keys should land on all three nodes");
            assertEquals(List.of("profile:{u1}", "profile:{u1}:applied"), cluster.keys("profile:*"));
            cluster.flushAll();
            assertEquals(List.of(), cluster.keys("*"));

            // The node processes can be found by the title redis-server gives itself.
            assertEquals(3, clusterProcesses(uris).size(), "redis-server processes of " + uris);
        } finally {
            cluster.stop();
        }

        assertFalse(cluster.isRunning());
        List<String> uris = cluster.uris();
        assertEquals(List.of(), clusterProcesses(uris), "redis-server processes left after stop()");
        for (String uri : uris) {
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> RedisCommands.call(uri, "PING"));
            assertInstanceOf(ConnectException.class, refused.getCause(), uri);
        }
        cluster.stop(); // a second stop is no error
    }

    @Test
    void testResourceConfiguresAClusterClientAndReformsABrokenCluster() {
        RealClusterInfrastructure resource = new RealClusterInfrastructure();
        RedisClusterProcess cluster;
        KafkaBroker kafka;
        try {
            long t0 = System.nanoTime();
            Map<String, String> config = resource.start();
            System.out.printf("Redis Cluster and Kafka ready in %d ms%n", millis(t0));
            cluster = RealInfrastructure.currentCluster().cluster();
            kafka = RealInfrastructure.currentCluster().kafka();
            assertEquals(Map.of(
                    "quarkus.redis.hosts", cluster.hostsConfig(),
                    "quarkus.redis.client-type", "cluster",
                    "kafka.bootstrap.servers", kafka.bootstrapServers()), config);

            Holder holder = new Holder();
            resource.inject(injectorFor(holder));
            assertSame(cluster, holder.infrastructure.cluster());
            assertSame(kafka, holder.infrastructure.kafka());
            assertNull(holder.unrelated);

            // A test stopped a node and left: the next test gets a whole (empty) cluster on the same ports.
            List<String> uris = cluster.uris();
            RedisCommands.call(cluster.nodeUriForKey("k"), "SET", "k", "v");
            cluster.nodes().get(1).stop();
            long t1 = System.nanoTime();
            resource.inject(injectorFor(new Holder()));
            System.out.printf("Redis Cluster formed anew in %d ms%n", millis(t1));
            assertTrue(cluster.isRunning());
            assertEquals(uris, cluster.uris());
            for (String uri : uris) {
                assertEquals("ok", RedisClusterProcess.clusterInfo(uri).get("cluster_state"), uri);
            }
            assertEquals(List.of(), cluster.keys("*"));
        } finally {
            resource.stop();
        }
        assertFalse(cluster.isRunning());
        assertFalse(kafka.isRunning());
        assertNull(RealInfrastructure.currentCluster().cluster());
        assertNull(RealInfrastructure.currentCluster().kafka());
    }

    /** A test instance as the resource sees it. */
    static class Holder {
        @InjectClusterInfrastructure
        ClusterInfrastructure infrastructure;
        ClusterInfrastructure unrelated;
    }

    /** What Quarkus does with {@code injectIntoFields}: set each matching field of the test instance. */
    private static TestInjector injectorFor(Object testInstance) {
        return (value, predicate) -> {
            for (Field field : testInstance.getClass().getDeclaredFields()) {
                if (predicate.test(field)) {
                    try {
                        field.setAccessible(true);
                        field.set(testInstance, value);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
    }

    /**
     * The processes whose command line (which redis-server overwrites with its title, e.g.
     * {@code redis-server 127.0.0.1:6379 [cluster]}) names one of the ports of {@code uris}, read
     * from {@code /proc} so that the answer does not depend on the bookkeeping under test.
     */
    private static List<String> clusterProcesses(List<String> uris) {
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc.resolve("self")), "no /proc to look for processes in");
        List<Pattern> titles = uris.stream()
                .map(uri -> Pattern.compile("redis.*" + Pattern.quote(uri.substring("redis://".length())) + "(?!\\d)"))
                .toList();
        List<String> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(proc)) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String commandLine;
                try {
                    commandLine = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').trim();
                } catch (IOException e) {
                    continue; // the process ended meanwhile, or is not ours to read
                }
                if (titles.stream().anyMatch(title -> title.matcher(commandLine).find())) {
                    found.add(entry.getFileName() + ": " + commandLine);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
