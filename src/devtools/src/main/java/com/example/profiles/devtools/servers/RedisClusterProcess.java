package com.example.profiles.devtools.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of three masters and no replicas: three {@code redis-server
 * --cluster-enabled yes} child processes (each a {@link RedisServerProcess}, so bound to 127.0.0.1,
 * without persistence, in its own temp dir, stopped by the same shutdown hook and watchdog), joined
 * with {@code redis-cli --cluster create}. The 16384 slots are split evenly among the three.
 *
 * <pre>{@code
 * try (RedisClusterProcess cluster = RedisClusterProcess.start()) {
 *     String owner = cluster.nodeUriForKey("profile:{u1}");
 *     RedisCommands.call(owner, "SET", "profile:{u1}", "x");
 * }
 * }</pre>
 *
 * <p>Each node's cluster bus listens on a port of its own ({@code --cluster-port}), also free on
 * 127.0.0.1 at start, rather than on the default port + 10000, which may not exist for a high port.
 *
 * <p>Nothing is persisted, not even the cluster layout ({@code nodes.conf} lives in the node's temp
 * dir): a node stopped and started again on its own is an empty node outside the cluster. To bring
 * a cluster back after an outage, use {@link #restart()}, which forms a new, empty cluster on the
 * same ports.
 */
public final class RedisClusterProcess implements AutoCloseable {

    /** Masters; no replicas. Three is the least {@code redis-cli --cluster create} accepts. */
    private static final int MASTERS = 3;
    private static final int SLOTS = 16384;
    /** Small, so a cluster notices a stopped node within a couple of seconds. */
    private static final int NODE_TIMEOUT_MILLIS = 2000;
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(30);
    private static final String REDIS_CLI_NOT_FOUND =
            "redis-cli not found on PATH; install it with: apt-get install -y redis-tools (or redis-server)";

    private final List<RedisServerProcess> nodes;

    private RedisClusterProcess(List<RedisServerProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts three cluster-enabled nodes on free loopback ports, joins them into one cluster and
     * returns once every node reports {@code cluster_state:ok} with all slots assigned and all nodes
     * known. On failure every node started so far is stopped again.
     */
    public static RedisClusterProcess start() {
        List<RedisServerProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < MASTERS; i++) {
                started.add(RedisServerProcess.start(RedisClusterProcess::nodeArgs));
            }
            RedisClusterProcess cluster = new RedisClusterProcess(started);
            cluster.form();
            return cluster;
        } catch (RuntimeException e) {
            for (RedisServerProcess node : started) {
                try {
                    node.stop();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** {@code redis://127.0.0.1:PORT} of every node, in start order. */
    public List<String> uris() {
        return nodes.stream().map(RedisServerProcess::uri).toList();
    }

    /** The node URIs joined by commas, the form {@code quarkus.redis.hosts} takes for a cluster client. */
    public String hostsConfig() {
        return String.join(",", uris());
    }

    /**
     * The node processes, in start order, e.g. to stop one and watch the application cope. Do not
     * {@link RedisServerProcess#restart() restart} a single node: it would come back empty and
     * outside the cluster; {@link #restart()} the cluster instead.
     */
    public List<RedisServerProcess> nodes() {
        return nodes;
    }

    /** Whether every node runs (it says nothing about the cluster state). */
    public boolean isRunning() {
        return nodes.stream().allMatch(RedisServerProcess::isRunning);
    }

    /** {@code FLUSHALL} on every node; all of them are masters. */
    public void flushAll() {
        for (String uri : uris()) {
            RedisCommands.call(uri, "FLUSHALL");
        }
    }

    /**
     * The URI of the node that serves the slot of {@code key} (hash tags honoured), from
     * {@code CLUSTER KEYSLOT} and {@code CLUSTER SLOTS} as the first node sees them.
     */
    public String nodeUriForKey(String key) {
        String asked = nodes.get(0).uri();
        long slot = (Long) RedisCommands.call(asked, "CLUSTER", "KEYSLOT", key);
        for (Object entry : (List<?>) RedisCommands.call(asked, "CLUSTER", "SLOTS")) {
            List<?> range = (List<?>) entry;
            long first = (Long) range.get(0);
            long last = (Long) range.get(1);
            if (first <= slot && slot <= last) {
                List<?> master = (List<?>) range.get(2);
                String uri = "redis://" + master.get(0) + ":" + master.get(1);
                if (!uris().contains(uri)) {
                    throw new IllegalStateException("slot " + slot + " of " + key + " is served by " + uri
                            + ", which is not one of " + uris());
                }
                return uri;
            }
        }
        throw new IllegalStateException("no node serves slot " + slot + " of " + key + " (asked " + asked + ")");
    }

    /**
     * Every key matching the glob {@code pattern} on any node, sorted, found with {@code SCAN}
     * (which in a cluster sees only the keys of the node it is sent to, hence one scan per node).
     */
    public List<String> keys(String pattern) {
        TreeSet<String> keys = new TreeSet<>();
        for (String uri : uris()) {
            String cursor = "0";
            do {
                List<?> reply = (List<?>) RedisCommands.call(uri, "SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
                cursor = (String) reply.get(0);
                for (Object key : (List<?>) reply.get(1)) {
                    keys.add((String) key);
                }
            } while (!"0".equals(cursor));
        }
        return new ArrayList<>(keys);
    }

    /** Stops every node, waits for each to exit and removes their temp dirs. Does nothing if stopped. */
    public synchronized void stop() {
        RuntimeException failure = null;
        for (RedisServerProcess node : nodes) {
            try {
                node.stop();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Stops every node and forms a new cluster on the same ports, returning once it is ready like
     * {@link #start()}. The new cluster is empty: nothing was persisted.
     */
    public synchronized void restart() {
        stop();
        for (RedisServerProcess node : nodes) {
            node.restart();
        }
        form();
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Redis Cluster at " + hostsConfig() + (isRunning() ? "" : " (stopped)");
    }

    /** The options that make a node a cluster node, with a freshly chosen cluster bus port. */
    private static List<String> nodeArgs() {
        return List.of(
                "--cluster-enabled", "yes",
                "--cluster-port", Integer.toString(LoopbackPorts.freePort()),
                // Relative to --dir, the node's own temp dir.
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS));
    }

    /** {@code redis-cli --cluster create} over the nodes, then waits until all agree the cluster is ok. */
    private void form() {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (RedisServerProcess node : nodes) {
            command.add(LoopbackPorts.HOST + ":" + node.port());
        }
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        runRedisCli(command);
        awaitClusterOk();
    }

    private static void runRedisCli(List<String> command) {
        Path dir = TempDirs.create("redis-cluster-create-");
        Path output = dir.resolve("output.txt");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException(REDIS_CLI_NOT_FOUND + " (" + e.getMessage() + ")", e);
            }
            try {
                process.getOutputStream().close(); // --cluster-yes: no question is asked
            } catch (IOException ignored) {
                // it reads nothing anyway
            }
            boolean exited;
            try {
                exited = process.waitFor(CREATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
            }
            if (!exited) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + CREATE_TIMEOUT.toSeconds() + " s:\n" + readQuietly(output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                        + process.exitValue() + ":\n" + readQuietly(output));
            }
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    /**
     * Until every node reports {@code cluster_state:ok}, all slots assigned, every node known and
     * every node a master serving slots. A node that has just joined may briefly see a partial
     * picture, and a client bootstrapping from it would then get a partial slot map.
     */
    private void awaitClusterOk() {
        long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
        Map<String, String> lastSeen = new TreeMap<>();
        while (true) {
            boolean allOk = true;
            for (RedisServerProcess node : nodes) {
                Map<String, String> info;
                try {
                    info = clusterInfo(node.uri());
                } catch (RuntimeException e) {
                    lastSeen.put(node.uri(), e.toString());
                    allOk = false;
                    continue;
                }
                boolean ok = "ok".equals(info.get("cluster_state"))
                        && Integer.toString(SLOTS).equals(info.get("cluster_slots_ok"))
                        && Integer.toString(nodes.size()).equals(info.get("cluster_known_nodes"))
                        && Integer.toString(nodes.size()).equals(info.get("cluster_size"));
                lastSeen.put(node.uri(), "cluster_state:" + info.get("cluster_state")
                        + " cluster_slots_ok:" + info.get("cluster_slots_ok")
                        + " cluster_known_nodes:" + info.get("cluster_known_nodes")
                        + " cluster_size:" + info.get("cluster_size"));
                allOk &= ok;
            }
            if (allOk) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("Redis Cluster at " + hostsConfig() + " not ok within "
                        + CONVERGE_TIMEOUT.toSeconds() + " s; last seen: " + lastSeen);
            }
            sleep(50);
        }
    }

    /** {@code CLUSTER INFO} as field, value pairs. */
    public static Map<String, String> clusterInfo(String uri) {
        Map<String, String> info = new TreeMap<>();
        String text = (String) RedisCommands.call(uri, "CLUSTER", "INFO");
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                info.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return info;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | UncheckedIOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Redis Cluster", e);
        }
    }
}
