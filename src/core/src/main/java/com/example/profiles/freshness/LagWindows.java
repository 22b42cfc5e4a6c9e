package com.example.profiles.freshness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.store.StoreSettings;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ZAddArgs;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The freshness lag of every instance, gathered where the sweeper can judge it: per source and
 * minute, how many events were applied and how many of them took longer than the source's p99
 * threshold (more than 1% over the threshold means the p99 is over it), and when the newest event
 * of each source happened. Counted in memory and added to Redis every few seconds (a few commands
 * per source, not per event): {@code freshness:lag:{<source>}} (hash, fields
 * {@code <minute>:total} and {@code <minute>:over}, kept an hour) and {@code freshness:last-event}
 * (zset: source to newest event time). Each event also goes to this instance's {@link LagHistory},
 * the freshness page's chart.
 */
@ApplicationScoped
public class LagWindows {

    private static final Logger LOG = Logger.getLogger(LagWindows.class);
    public static final String LAST_EVENT_KEY = "freshness:last-event";
    static final long MINUTE = 60_000;
    /** How long the per-minute counts are kept: the alert window is 5 minutes. */
    private static final Duration KEEP = Duration.ofHours(1);

    private final ReactiveRedisDataSource redis;
    private final FreshnessSettings settings;
    private final java.time.Duration timeout;
    /** source -> minute -> {total, over} */
    private final Map<String, Map<Long, LongAdder[]>> pending = new ConcurrentHashMap<>();
    private final Map<String, LongAccumulator> newest = new ConcurrentHashMap<>();
    private final LagHistory history;

    public LagWindows(ReactiveRedisDataSource redis, FreshnessSettings settings, StoreSettings store, LagHistory history) {
        this.redis = redis;
        this.settings = settings;
        this.timeout = store.timeout();
        this.history = history;
    }

    public static String lagKey(String source) {
        return "freshness:lag:{" + source + "}";
    }

    public void record(String source, long eventTime, long lagMillis, long writtenAt) {
        FreshnessSettings.Source config = settings.sources().get(source);
        long threshold = config == null ? Long.MAX_VALUE : config.lagP99Threshold().toMillis();
        LongAdder[] counts = pending.computeIfAbsent(source, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(writtenAt / MINUTE, m -> new LongAdder[] { new LongAdder(), new LongAdder() });
        counts[0].increment();
        if (lagMillis > threshold) {
            counts[1].increment();
        }
        newest.computeIfAbsent(source, s -> new LongAccumulator(Math::max, Long.MIN_VALUE)).accumulate(eventTime);
        history.record(source, lagMillis, writtenAt);
    }

    /**
     * From a source's {@link #lagKey} hash: how many events were applied in the minutes from
     * {@code firstMinute} (epoch minutes) on, and how many of them took longer than the threshold.
     */
    public static long[] countsSince(Map<String, String> fields, long firstMinute) {
        long total = 0;
        long over = 0;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            String[] parts = e.getKey().split(":");
            if (Long.parseLong(parts[0]) >= firstMinute) {
                if (parts[1].equals("total")) {
                    total += Long.parseLong(e.getValue());
                } else {
                    over += Long.parseLong(e.getValue());
                }
            }
        }
        return new long[] { total, over };
    }

    /** Adds what was counted since the last flush to Redis. */
    @Scheduled(every = "${profiles.freshness.flush-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> flush() {
        List<Uni<?>> commands = new ArrayList<>();
        var counts = redis.hash(String.class);
        pending.forEach((source, minutes) -> minutes.keySet().forEach(minute -> {
            LongAdder[] counted = minutes.remove(minute);
            long total = counted[0].sumThenReset();
            long over = counted[1].sumThenReset();
            String key = lagKey(source);
            commands.add(counts.hincrby(key, minute + ":total", total));
            if (over > 0) {
                commands.add(counts.hincrby(key, minute + ":over", over));
            }
            commands.add(redis.key().expire(key, KEEP));
        }));
        newest.forEach((source, time) -> {
            long value = time.getThenReset();
            if (value != Long.MIN_VALUE) {
                commands.add(redis.sortedSet(String.class).zadd(LAST_EVENT_KEY, new ZAddArgs().gt(), value, source));
            }
        });
        if (commands.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Every command to its end (no failure left to be dropped by Mutiny), and within the store's
        // deadline: a paused Redis must not hold a flush, or the shutdown that runs the last one.
        return Uni.combine().all().unis(commands).collectFailures().discardItems()
                .ifNoItem().after(timeout).fail()
                .onFailure().invoke(e -> LOG.warnf("Could not add freshness lag counts to Redis (they are dropped): %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
