package com.example.profiles.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

import com.example.profiles.devtools.servers.RedisCommands;

/**
 * What Redis holds, read independently of the application, to show that a refused input changed
 * nothing.
 * <ul>
 * <li>{@link #ofUser}: a user's whole footprint: every key carrying the user's hash tag (type,
 * content, whether it expires) and the user's score in every freshness index and due queue.</li>
 * <li>{@link #digest}: Redis's own digest of the whole dataset ({@code DEBUG DIGEST-VALUE} of every
 * key but the instances' liveness roll; the test servers allow DEBUG from loopback), for checks
 * where any change anywhere is a failure.</li>
 * </ul>
 */
public final class RedisSnapshot {

    /** profiles.freshness.shards in application.properties. */
    private static final int SHARDS = 16;
    private static final List<String> INDEXES = List.of("freshness:{purchase:%d}", "freshness:{cart:%d}", "freshness:{customer:%d}",
            "due:{cart-abandon:%d}", "due:{cart-clear:%d}", "due:{customer-refresh:%d}", "due:{profile-expire:%d}");

    private RedisSnapshot() {
    }

    /** The user's footprint as a sorted map, key (or index entry) to content; equal maps mean nothing changed. */
    public static Map<String, String> ofUser(String uri, String userId) {
        Map<String, String> snapshot = new TreeMap<>();
        for (String key : keysOf(uri, userId)) {
            String type = (String) RedisCommands.call(uri, "TYPE", key);
            String[] read = switch (type) {
                case "hash" -> new String[] { "HGETALL", key };
                case "zset" -> new String[] { "ZRANGE", key, "0", "-1", "WITHSCORES" };
                case "set" -> new String[] { "SMEMBERS", key };
                case "list" -> new String[] { "LRANGE", key, "0", "-1" };
                default -> new String[] { "GET", key };
            };
            List<Object> replies = RedisCommands.pipeline(uri, List.of(read, new String[] { "PTTL", key }));
            Object content = replies.get(0);
            if (type.equals("hash")) {
                content = new TreeMap<>(RedisCommands.asMap(content));
            } else if (type.equals("set")) {
                content = new java.util.TreeSet<>((List<?>) content).toString();
            }
            long ttl = (Long) replies.get(1);
            snapshot.put(key, type + " " + content + (ttl >= 0 ? " (expires)" : ""));
        }
        int shard = shard(userId);
        List<String[]> scores = new ArrayList<>();
        for (String index : INDEXES) {
            scores.add(new String[] { "ZSCORE", index.formatted(shard), userId });
        }
        List<Object> replies = RedisCommands.pipeline(uri, scores);
        for (int i = 0; i < INDEXES.size(); i++) {
            if (replies.get(i) != null) {
                snapshot.put(INDEXES.get(i).formatted(shard) + " " + userId, String.valueOf(replies.get(i)));
            }
        }
        return snapshot;
    }

    /**
     * Every key with its type and content, to name what changed when a {@link #digest} differs.
     * Reads the whole dataset: for failure messages of small test datasets.
     */
    public static Map<String, String> all(String uri) {
        Map<String, String> snapshot = new TreeMap<>();
        for (String key : keysMatching(uri, "*")) {
            if (key.equals(LIVENESS)) {
                continue;
            }
            String type = (String) RedisCommands.call(uri, "TYPE", key);
            snapshot.put(key, type + " " + content(uri, key, type));
        }
        return snapshot;
    }

    /** The entries of {@code after} that differ from {@code before} (added, changed or removed), at most {@code max}. */
    public static List<String> changes(Map<String, String> before, Map<String, String> after, int max) {
        List<String> changes = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            if (!java.util.Objects.equals(before.get(key), after.get(key)) && changes.size() < max) {
                changes.add(key + ": " + before.get(key) + " -> " + after.get(key));
            }
        }
        return changes;
    }

    private static Object content(String uri, String key, String type) {
        String[] read = switch (type) {
            case "hash" -> new String[] { "HGETALL", key };
            case "zset" -> new String[] { "ZRANGE", key, "0", "-1", "WITHSCORES" };
            case "set" -> new String[] { "SMEMBERS", key };
            case "list" -> new String[] { "LRANGE", key, "0", "-1" };
            default -> new String[] { "GET", key };
        };
        Object content = RedisCommands.call(uri, read);
        if (type.equals("hash")) {
            return new TreeMap<>(RedisCommands.asMap(content));
        }
        if (type.equals("set")) {
            return new java.util.TreeSet<>((List<?>) content);
        }
        return content;
    }

    /** Redis's digest of every key and value it holds (40 zeros when empty). */
    public static String digest(String uri) {
        // Redis's digest of every key but the instances' liveness roll, which each instance rewrites
        // on its own every few seconds, whatever any request did.
        List<String> keys = new ArrayList<>(keysMatching(uri, "*"));
        keys.remove(LIVENESS);
        java.util.Collections.sort(keys);
        if (keys.isEmpty()) {
            return "empty";
        }
        List<String> digest = new ArrayList<>(List.of("DEBUG", "DIGEST-VALUE"));
        digest.addAll(keys);
        return keys + " " + RedisCommands.call(uri, digest.toArray(String[]::new));
    }

    /** The generation pointer's roll of instances (Generations.INSTANCES): liveness, not data. */
    private static final String LIVENESS = "profiles:generation:instances";

    private static List<String> keysOf(String uri, String userId) {
        return keysMatching(uri, "*{" + userId + "}*");
    }

    @SuppressWarnings("unchecked")
    private static List<String> keysMatching(String uri, String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            List<Object> reply = (List<Object>) RedisCommands.call(uri, "SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
            cursor = (String) reply.get(0);
            for (Object key : (List<Object>) reply.get(1)) {
                keys.add((String) key);
            }
        } while (!cursor.equals("0"));
        return keys;
    }

    /** FreshnessIndex.shard: CRC32 of the user id, modulo the shard count. */
    private static int shard(String userId) {
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }
}
