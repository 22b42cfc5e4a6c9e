package com.example.profiles.freshness;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The freshness-index updates of one Kafka batch, gathered while its records are applied and sent
 * once all are ({@link FreshnessIndex#flush}): one {@code ZREM} per key for the users erased in the
 * batch, then one {@code ZADD GT} per key with every member and its newest score. Instead of three
 * or four commands per event, a batch of 500 sends a few dozen, and Redis (the one single-threaded
 * part of the path) spends its time on the scripts.
 *
 * <p>The result is what sending each event's updates right after its script gives, because the
 * updates are recorded in the order the scripts ran (their replies come back in that order on the
 * pipelined connection): {@code ZADD GT} keeps the greatest score whatever the order, and an
 * erasure drops the user's earlier additions of the batch to the keys it leaves (every key when no
 * profile is left, else the indexes of the sources left without data), while additions recorded
 * after it (an event newer than the erasure) are sent after the removals. The batch is acknowledged
 * only after the flush, so a failed flush is retried like a failed script, and a crash before it
 * redelivers the erasure, which answers the same clean-up again.
 *
 * <p>Across batches (another channel's, or another instance's after the partition moved) an
 * addition can still be sent after an erasure's removals. Every erasure counts itself in
 * {@link FreshnessIndex#ERASURE_EPOCH} before its removals; a batch opened by
 * {@link FreshnessIndex#openBatch} reads the count before its scripts, and when it moved by the
 * time the batch's additions are acknowledged, the flush checks the users it added and takes back
 * what their profile no longer holds.
 */
public final class IndexBatch {

    /** {@link FreshnessIndex#ERASURE_EPOCH} when the batch opened, or null when unknown (then every addition is checked). */
    private final Long erasureEpoch;

    /** A batch that does not know the erasure epoch: its flush checks every user it adds. */
    public IndexBatch() {
        this(null);
    }

    IndexBatch(Long erasureEpoch) {
        this.erasureEpoch = erasureEpoch;
    }

    Long erasureEpoch() {
        return erasureEpoch;
    }

    /** key -> member -> score */
    private final Map<String, Map<String, Long>> additions = new LinkedHashMap<>();
    /** userId -> the keys of the user's shard, for the users erased in this batch */
    private final Map<String, Set<String>> removals = new LinkedHashMap<>();

    synchronized void add(String key, String member, long score) {
        additions.computeIfAbsent(key, k -> new HashMap<>()).merge(member, score, Math::max);
    }

    synchronized void forget(String userId, Set<String> keys) {
        if (keys.isEmpty()) {
            return; // an erasure that left data of every source: the user stays in every index
        }
        for (String key : keys) {
            Map<String, Long> members = additions.get(key);
            if (members != null) {
                members.remove(userId);
            }
        }
        removals.computeIfAbsent(userId, u -> new LinkedHashSet<>()).addAll(keys);
    }

    /** key -> members to remove */
    synchronized Map<String, Set<String>> removalsByKey() {
        Map<String, Set<String>> byKey = new LinkedHashMap<>();
        removals.forEach((user, keys) -> keys.forEach(key -> byKey.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(user)));
        return byKey;
    }

    synchronized Map<String, Map<String, Long>> additions() {
        Map<String, Map<String, Long>> copy = new LinkedHashMap<>();
        additions.forEach((key, members) -> {
            if (!members.isEmpty()) {
                copy.put(key, new HashMap<>(members));
            }
        });
        return copy;
    }
}
