package com.example.profiles.freshness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.store.Deadline;
import com.example.profiles.store.Generation;
import com.example.profiles.store.PipelinedRedis;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.store.ProfileStoreUnavailableException;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;

/**
 * The structures that let the sweeper find stale data without scanning every profile. Both are
 * sorted sets of user ids, split into shards whose keys carry their own hash tag, so they spread
 * over a Redis Cluster's slots:
 * <ul>
 * <li>{@code freshness:{<source>:<shard>}}: per source, scored by the event time of its newest
 * data; {@code ZCOUNT} gives how many profiles are stale;</li>
 * <li>{@code due:{<queue>:<shard>}}: per policy step, scored by when the user's entry comes due;
 * the sweeper reads only what is due, so a sweep costs what is stale, not what exists.</li>
 * </ul>
 * They live outside the user's slot, so they cannot change in the event's script: they are updated
 * right after it with {@code ZADD GT}, which a retry or a re-delivery repeats harmlessly. Each
 * {@link Generation} of the profiles has its own (its prefix before the names above).
 */
@ApplicationScoped
public class FreshnessIndex {

    public static final String CART_ABANDON = "cart-abandon";
    public static final String CART_CLEAR = "cart-clear";
    public static final String CUSTOMER_REFRESH = "customer-refresh";
    public static final String PROFILE_EXPIRE = "profile-expire";
    /** The policy steps, in the order a sweep works through them. */
    public static final List<String> QUEUES = List.of(CART_ABANDON, CART_CLEAR, CUSTOMER_REFRESH, PROFILE_EXPIRE);
    public static final List<String> SOURCES = List.of("purchase", "cart", "customer");
    /**
     * How many erasures have been announced, ever: a counter every erasure increments before its
     * clean-up, which a Kafka batch reads before its scripts and after its index updates.
     */
    public static final String ERASURE_EPOCH = "freshness:erasures";

    private final PipelinedRedis redis;
    private final FreshnessSettings settings;
    /** The {@link #ERASURE_EPOCH} this instance read last; -1 before the first reading. */
    private final AtomicLong lastSeenEpoch = new AtomicLong(-1);

    public FreshnessIndex(PipelinedRedis redis, FreshnessSettings settings) {
        this.redis = redis;
        this.settings = settings;
    }

    public int shard(String userId) {
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % settings.shards());
    }

    public int shards() {
        return settings.shards();
    }

    /** A source's freshness index shard of the first generation. */
    public static String indexKey(String source, int shard) {
        return indexKey(Generation.FIRST, source, shard);
    }

    /** A policy step's due-queue shard of the first generation. */
    public static String queueKey(String queue, int shard) {
        return queueKey(Generation.FIRST, queue, shard);
    }

    public static String indexKey(Generation generation, String source, int shard) {
        return generation.key("freshness:{" + source + ":" + shard + "}");
    }

    public static String queueKey(Generation generation, String queue, int shard) {
        return generation.key("due:{" + queue + ":" + shard + "}");
    }

    /** After an event of {@code source} was applied (or re-delivered): its data is as new as {@code eventTime}. */
    public Uni<Void> recordApplied(Generation generation, String userId, String source, long eventTime) {
        return recordApplied(generation, userId, source, eventTime, (Deadline) null);
    }

    /** @param deadline the event's (null for {@code profiles.store.timeout} from each command) */
    public Uni<Void> recordApplied(Generation generation, String userId, String source, long eventTime, Deadline deadline) {
        int shard = shard(userId);
        List<Uni<?>> commands = new ArrayList<>(3);
        Map<String, Set<String>> added = new HashMap<>();
        applied(generation, source, eventTime, shard, (key, score) -> {
            commands.add(zaddGreater(key, score, userId, deadline));
            added.computeIfAbsent(userId, u -> new LinkedHashSet<>()).add(key);
        });
        return all(commands).flatMap(done -> withdrawWhereErased(added, deadline));
    }

    /** The same as {@link #recordApplied}, gathered into {@code batch} to be sent by {@link #flush}. */
    public void recordApplied(Generation generation, String userId, String source, long eventTime, IndexBatch batch) {
        applied(generation, source, eventTime, shard(userId), (key, score) -> batch.add(key, userId, score));
    }

    /** The same as {@link #forget(Generation, String, boolean, List)}, gathered into {@code batch}. */
    public void forget(Generation generation, String userId, boolean whole, List<String> sources, IndexBatch batch) {
        batch.forget(userId, keysToForget(generation, userId, whole, sources));
    }

    /** The same as {@link #forget(Generation, String)} with every index and queue, gathered into {@code batch}. */
    public void forget(Generation generation, String userId, IndexBatch batch) {
        forget(generation, userId, true, List.of(), batch);
    }

    /**
     * @param whole every index and due queue (no profile is left)
     * @param sources otherwise: the sources whose freshness index the user leaves (left without data)
     */
    private java.util.Set<String> keysToForget(Generation generation, String userId, boolean whole, List<String> sources) {
        int shard = shard(userId);
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (String source : whole ? SOURCES : sources) {
            keys.add(indexKey(generation, source, shard));
        }
        if (whole) {
            for (String queue : QUEUES) {
                keys.add(queueKey(generation, queue, shard));
            }
        }
        return keys;
    }

    /** Sends a batch's updates: the removals first, then one ZADD GT per key. A batch may have none. */
    public Uni<Void> flush(IndexBatch batch) {
        return flush(batch, null);
    }

    /**
     * A batch whose index updates are checked against the erasures that happen while its scripts
     * run: it starts from an {@link #ERASURE_EPOCH} read before any of them. An older reading is as
     * good (any erasure since makes the count differ), so the last one this instance read serves,
     * and only the first batch waits for a GET. (The count could come back to the same value only
     * if Redis lost it and exactly as many erasures followed between two readings.) If Redis does
     * not answer, the batch does not know the epoch, and its flush checks every user it adds.
     */
    public Uni<IndexBatch> openBatch(Deadline deadline) {
        long seen = lastSeenEpoch.get();
        if (seen >= 0) {
            return Uni.createFrom().item(new IndexBatch(seen));
        }
        return readEpoch(deadline).map(IndexBatch::new).onFailure().recoverWithItem(() -> new IndexBatch());
    }

    /** The epoch now, remembered as the last seen. */
    private Uni<Long> readEpoch(Deadline deadline) {
        return redis.send(Request.cmd(Command.GET).arg(ERASURE_EPOCH), deadline).map(reply -> {
            long epoch = reply == null ? 0 : reply.toLong();
            lastSeenEpoch.set(epoch);
            return epoch;
        });
    }

    /** @param deadline by when every update must be answered (null: {@code profiles.store.timeout} from each command) */
    public Uni<Void> flush(IndexBatch batch, Deadline deadline) {
        Map<String, Set<String>> removals = batch.removalsByKey();
        Map<String, Map<String, Long>> additions = batch.additions();
        Uni<?> erasuresAnnounced = removals.isEmpty() ? Uni.createFrom().voidItem() : announceErasure(deadline);
        return erasuresAnnounced.flatMap(announced -> {
            List<Uni<?>> commands = new ArrayList<>();
            removals.forEach((key, members) -> {
                Request zrem = Request.cmd(Command.ZREM).arg(key);
                members.forEach(zrem::arg);
                commands.add(redis.send(zrem, deadline));
            });
            additions.forEach((key, members) -> {
                Request zadd = Request.cmd(Command.ZADD).arg(key).arg("GT");
                members.forEach((member, score) -> zadd.arg(score).arg(member));
                commands.add(redis.send(zadd, deadline));
            });
            if (additions.isEmpty()) {
                return all(commands);
            }
            Uni<Boolean> erasureSeen = erasedSince(batch, deadline).memoize().indefinitely();
            if (redis.runsInOrder()) {
                // Written right behind the additions, the reading is taken after them: the check
                // needs no round trip of its own (an event alone then waits for two, not three).
                commands.add(erasureSeen);
            }
            return all(commands).flatMap(done -> erasureSeen)
                    .flatMap(erased -> erased ? withdrawWhereErased(byUser(additions), deadline) : Uni.createFrom().voidItem());
        }).onFailure(failure -> !(failure instanceof ProfileStoreUnavailableException)) // the count's INCR or GET
                .transform(e -> new ProfileStoreUnavailableException("Redis did not update the freshness index: " + e.getMessage(), e));
    }

    /** user -> the keys the user was added to, from key -> member -> score. */
    private static Map<String, Set<String>> byUser(Map<String, Map<String, Long>> additions) {
        Map<String, Set<String>> added = new HashMap<>();
        additions.forEach((key, members) -> members.keySet().forEach(member -> added.computeIfAbsent(member, u -> new LinkedHashSet<>()).add(key)));
        return added;
    }

    /**
     * Whether any erasure was announced since the batch opened (or the batch does not know): only
     * then can one of its additions have come after an erasure's clean-up, and its users are checked.
     * Erasures are rare; so the common batch pays one GET for the check, not one read per user.
     */
    private Uni<Boolean> erasedSince(IndexBatch batch, Deadline deadline) {
        if (batch.erasureEpoch() == null) {
            return Uni.createFrom().item(true);
        }
        return readEpoch(deadline).map(epoch -> epoch != batch.erasureEpoch().longValue());
    }

    /**
     * Counts an erasure before its clean-up removes the user from the indexes, so that a batch whose
     * scripts ran before it and whose additions come after that clean-up sees the count move.
     */
    private Uni<?> announceErasure(Deadline deadline) {
        return redis.send(Request.cmd(Command.INCR).arg(ERASURE_EPOCH), deadline);
    }

    /**
     * Takes back what was just added for a user whose data is gone by now. An addition is computed
     * from a script's answer and sent after it, outside the user's slot, so an erasure can come in
     * between: applied by another instance (the partition moved during a restart, a Knative retry
     * in parallel), whose clean-up then runs before this late addition and would leave an erased
     * user in the indexes for good. Checking after the additions are acknowledged closes that: an
     * erasure that ran before the check is seen by it, and one that runs after it removes the user
     * itself. One HMGET per user added, in the user's slot.
     */
    private Uni<Void> withdrawWhereErased(Map<String, Set<String>> added, Deadline deadline) {
        if (added.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<?>> checks = new ArrayList<>(added.size());
        Map<String, List<String>> withdrawals = new java.util.concurrent.ConcurrentHashMap<>();
        added.forEach((user, keys) -> {
            // A user's additions may be in two generations (while a rebuild's switch writes both): each is checked against its own profile.
            Map<Generation, List<String>> byGeneration = new HashMap<>();
            keys.forEach(key -> byGeneration.computeIfAbsent(Generation.of(key), g -> new ArrayList<>()).add(key));
            byGeneration.forEach((generation, ofGeneration) -> {
                Request hmget = Request.cmd(Command.HMGET).arg(ProfileKeys.profile(generation, user));
                SOURCES.forEach(source -> hmget.arg("src:" + source + ":event_at"));
                checks.add(redis.send(hmget, deadline).invoke(fields -> {
                    Set<String> present = new java.util.HashSet<>();
                    for (int i = 0; i < SOURCES.size(); i++) {
                        if (fields.get(i) != null) {
                            present.add(SOURCES.get(i));
                        }
                    }
                    List<String> gone = ofGeneration.stream().filter(key -> !held(key, present)).toList();
                    if (!gone.isEmpty()) {
                        withdrawals.merge(user, gone, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
                    }
                }));
            });
        });
        return all(checks).flatMap(done -> {
            List<Uni<?>> removals = new ArrayList<>();
            withdrawals.forEach((user, keys) -> keys.forEach(key -> removals.add(redis.send(Request.cmd(Command.ZREM).arg(key).arg(user), deadline))));
            return all(removals);
        });
    }

    /** Whether a user whose profile holds data of {@code present} sources belongs in {@code key}. */
    private static boolean held(String generationKey, Set<String> present) {
        String key = generationKey.substring(Generation.of(generationKey).prefix().length());
        for (String source : SOURCES) {
            if (key.startsWith("freshness:{" + source + ":")) {
                return present.contains(source);
            }
        }
        if (key.startsWith("due:{" + CART_ABANDON + ":") || key.startsWith("due:{" + CART_CLEAR + ":")) {
            return present.contains("cart");
        }
        if (key.startsWith("due:{" + CUSTOMER_REFRESH + ":")) {
            return present.contains("customer");
        }
        return !present.isEmpty(); // profile-expire: any data at all
    }

    private void applied(Generation generation, String source, long eventTime, int shard, java.util.function.ObjLongConsumer<String> zaddGreater) {
        zaddGreater.accept(indexKey(generation, source, shard), eventTime);
        zaddGreater.accept(queueKey(generation, PROFILE_EXPIRE, shard), eventTime + settings.profile().expireAfter().toMillis());
        if (source.equals("cart")) {
            zaddGreater.accept(queueKey(generation, CART_ABANDON, shard), eventTime + settings.cart().abandonAfter().toMillis());
        } else if (source.equals("customer")) {
            // The shorter (active shopper) interval: the sweeper postpones inactive shoppers' entries.
            zaddGreater.accept(queueKey(generation, CUSTOMER_REFRESH, shard), eventTime + settings.customer().activeRefreshAfter().toMillis());
        }
    }

    /**
     * All the commands, each to its end. A failed index update is a Redis failure like a failed
     * script: retryable (the retry finds the event a duplicate and repeats the index update), never
     * a reason to stop a Kafka channel. The failures are collected rather than the first one
     * cancelling the rest: the others would still fail a moment later with nobody listening (a
     * Redis kill logged them as dozens of "Mutiny had to drop the following exception").
     */
    private static Uni<Void> all(List<Uni<?>> commands) {
        if (commands.isEmpty()) {
            // Mutiny refuses to combine an empty list; a Kafka batch whose only record is an erasure
            // that leaves every index has no index update at all, and must not fail (and stop) its consumer.
            return Uni.createFrom().voidItem();
        }
        return Uni.combine().all().unis(commands).collectFailures().discardItems()
                .onFailure(failure -> !(failure instanceof ProfileStoreUnavailableException))
                .transform(e -> new ProfileStoreUnavailableException("Redis did not update the freshness index: " + e.getMessage(), e));
    }

    /** After an erasure or expiry: the user leaves every index and queue of the generation. */
    public Uni<Void> forget(Generation generation, String userId) {
        return forget(generation, userId, true, List.of(), (Deadline) null);
    }

    /** After an erasure: the user leaves every index and queue ({@code whole}), or the freshness indexes of {@code sources}. */
    public Uni<Void> forget(Generation generation, String userId, boolean whole, List<String> sources) {
        return forget(generation, userId, whole, sources, (Deadline) null);
    }

    /** @param deadline the event's (null for {@code profiles.store.timeout} from each command) */
    public Uni<Void> forget(Generation generation, String userId, boolean whole, List<String> sources, Deadline deadline) {
        java.util.Set<String> keys = keysToForget(generation, userId, whole, sources);
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return announceErasure(deadline).flatMap(announced -> {
            List<Uni<?>> commands = new ArrayList<>();
            for (String key : keys) {
                commands.add(redis.send(Request.cmd(Command.ZREM).arg(key).arg(userId), deadline));
            }
            return all(commands);
        }).onFailure(failure -> !(failure instanceof ProfileStoreUnavailableException))
                .transform(e -> new ProfileStoreUnavailableException("Redis did not update the freshness index: " + e.getMessage(), e));
    }

    public Uni<Void> schedule(Generation generation, String queue, String userId, long due) {
        return zaddGreater(queueKey(generation, queue, shard(userId)), due, userId, null).replaceWithVoid();
    }

    private Uni<?> zaddGreater(String key, long score, String member, Deadline deadline) {
        return redis.send(Request.cmd(Command.ZADD).arg(key).arg("GT").arg(score).arg(member), deadline);
    }
}
