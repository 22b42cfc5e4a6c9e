package com.example.profiles.freshness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.PipelinedRedis;
import com.example.profiles.core.ProfileStoreUnavailableException;

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
 * right after it with {@code ZADD GT}, which a retry or a re-delivery repeats harmlessly.
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

    private final PipelinedRedis redis;
    private final FreshnessSettings settings;

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

    public static String indexKey(String source, int shard) {
        return "freshness:{" + source + ":" + shard + "}";
    }

    public static String queueKey(String queue, int shard) {
        return "due:{" + queue + ":" + shard + "}";
    }

    /** After an event of {@code source} was applied (or re-delivered): its data is as new as {@code eventTime}. */
    public Uni<Void> recordApplied(String userId, String source, long eventTime) {
        int shard = shard(userId);
        List<Uni<?>> commands = new ArrayList<>(3);
        applied(userId, source, eventTime, shard, (key, score) -> commands.add(zaddGreater(key, score, userId)));
        return unavailableOnFailure(Uni.combine().all().unis(commands).discardItems());
    }

    /** The same as {@link #recordApplied}, gathered into {@code batch} to be sent by {@link #flush}. */
    public void recordApplied(String userId, String source, long eventTime, IndexBatch batch) {
        applied(userId, source, eventTime, shard(userId), (key, score) -> batch.add(key, userId, score));
    }

    /** The same as {@link #forget}, gathered into {@code batch}. */
    public void forget(String userId, IndexBatch batch) {
        int shard = shard(userId);
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (String source : SOURCES) {
            keys.add(indexKey(source, shard));
        }
        for (String queue : QUEUES) {
            keys.add(queueKey(queue, shard));
        }
        batch.forget(userId, keys);
    }

    /** Sends a batch's updates: the removals first, then one ZADD GT per key. */
    public Uni<Void> flush(IndexBatch batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<?>> commands = new ArrayList<>();
        batch.removalsByKey().forEach((key, members) -> {
            Request zrem = Request.cmd(Command.ZREM).arg(key);
            members.forEach(zrem::arg);
            commands.add(redis.send(zrem));
        });
        batch.additions().forEach((key, members) -> {
            Request zadd = Request.cmd(Command.ZADD).arg(key).arg("GT");
            members.forEach((member, score) -> zadd.arg(score).arg(member));
            commands.add(redis.send(zadd));
        });
        return unavailableOnFailure(Uni.combine().all().unis(commands).discardItems());
    }

    private void applied(String userId, String source, long eventTime, int shard, java.util.function.ObjLongConsumer<String> zaddGreater) {
        zaddGreater.accept(indexKey(source, shard), eventTime);
        zaddGreater.accept(queueKey(PROFILE_EXPIRE, shard), eventTime + settings.profile().expireAfter().toMillis());
        if (source.equals("cart")) {
            zaddGreater.accept(queueKey(CART_ABANDON, shard), eventTime + settings.cart().abandonAfter().toMillis());
        } else if (source.equals("customer")) {
            // The shorter (active shopper) interval: the sweeper postpones inactive shoppers' entries.
            zaddGreater.accept(queueKey(CUSTOMER_REFRESH, shard), eventTime + settings.customer().activeRefreshAfter().toMillis());
        }
    }

    /**
     * A failed index update is a Redis failure like a failed script: retryable (the retry finds the
     * event a duplicate and repeats the index update), never a reason to stop a Kafka channel.
     */
    private static Uni<Void> unavailableOnFailure(Uni<Void> update) {
        return update.onFailure(failure -> !(failure instanceof ProfileStoreUnavailableException))
                .transform(e -> new ProfileStoreUnavailableException("Redis did not update the freshness index: " + e.getMessage(), e));
    }

    /** After an erasure or expiry: the user leaves every index and queue. */
    public Uni<Void> forget(String userId) {
        int shard = shard(userId);
        List<Uni<?>> commands = new ArrayList<>();
        for (String source : SOURCES) {
            commands.add(redis.send(Request.cmd(Command.ZREM).arg(indexKey(source, shard)).arg(userId)));
        }
        for (String queue : QUEUES) {
            commands.add(redis.send(Request.cmd(Command.ZREM).arg(queueKey(queue, shard)).arg(userId)));
        }
        return unavailableOnFailure(Uni.combine().all().unis(commands).discardItems());
    }

    public Uni<Void> schedule(String queue, String userId, long due) {
        return zaddGreater(queueKey(queue, shard(userId)), due, userId).replaceWithVoid();
    }

    private Uni<?> zaddGreater(String key, long score, String member) {
        return redis.send(Request.cmd(Command.ZADD).arg(key).arg("GT").arg(score).arg(member));
    }
}
