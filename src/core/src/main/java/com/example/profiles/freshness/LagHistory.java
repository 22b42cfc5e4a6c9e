package com.example.profiles.freshness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * This instance's freshness lag of the last {@value #SLOTS} ten-second periods (15 minutes), per
 * source: a ring of fixed-size histograms, so memory stays bounded whatever the event rate, and an
 * event costs one array increment. Percentiles are read from the histogram, so each is the upper
 * bound of its bucket: ten buckets per decade (one step is a factor of 1.26), from 1 ms to about a
 * day; longer lags fall in the last bucket. Only in memory: the freshness page draws it, the alerts
 * judge from {@link LagWindows}, which every instance writes to Redis.
 */
@ApplicationScoped
public class LagHistory {

    public static final long PERIOD_MILLIS = 10_000;
    public static final int SLOTS = 90;
    /** Bucket i holds lags up to BOUNDS[i] ms; the last bucket everything above the last bound. */
    static final long[] BOUNDS = bounds();
    /** The longest lag told apart from longer ones (10^8 ms, 28 hours). */
    public static final long LONGEST = BOUNDS[BOUNDS.length - 1];
    private static final int BUCKETS = BOUNDS.length + 1;
    private static final List<String> SOURCES = FreshnessIndex.SOURCES;

    /**
     * The lag of one source in one period: {@code p50Millis} and {@code p99Millis} are the upper
     * bounds of their buckets, {@link #BEYOND} above {@link #LONGEST} and -1 when {@code count} is 0.
     */
    public record Point(String source, long periodStart, long count, long p50Millis, long p99Millis) {
    }

    /** A percentile that lies above {@link #LONGEST}. */
    public static final long BEYOND = Long.MAX_VALUE;

    private static final class Slot {
        final long period;
        final AtomicLongArray counts = new AtomicLongArray(SOURCES.size() * BUCKETS);

        Slot(long period) {
            this.period = period;
        }
    }

    private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(SLOTS);

    /** One applied event of {@code source} whose change was written at {@code writtenAt} (epoch ms), {@code lagMillis} after it happened. */
    public void record(String source, long lagMillis, long writtenAt) {
        int s = SOURCES.indexOf(source);
        if (s < 0) {
            return;
        }
        long period = writtenAt / PERIOD_MILLIS;
        int index = (int) Math.floorMod(period, (long) SLOTS);
        Slot slot = slots.get(index);
        if (slot == null || slot.period < period) {
            Slot fresh = new Slot(period);
            slot = slots.compareAndSet(index, slot, fresh) ? fresh : slots.get(index);
        }
        if (slot.period != period) {
            return; // an older period whose slot was already reused: not drawn any more
        }
        slot.counts.incrementAndGet(s * BUCKETS + bucket(lagMillis));
    }

    /** Every source's points of the {@value #SLOTS} periods up to the one holding {@code now}, oldest first; sources in {@link FreshnessIndex#SOURCES} order. */
    public List<Point> points(long now) {
        long last = now / PERIOD_MILLIS;
        List<Point> points = new ArrayList<>(SOURCES.size() * SLOTS);
        for (int s = 0; s < SOURCES.size(); s++) {
            for (long period = last - SLOTS + 1; period <= last; period++) {
                Slot slot = slots.get((int) Math.floorMod(period, (long) SLOTS));
                long[] counts = new long[BUCKETS];
                long total = 0;
                if (slot != null && slot.period == period) {
                    for (int b = 0; b < BUCKETS; b++) {
                        counts[b] = slot.counts.get(s * BUCKETS + b);
                        total += counts[b];
                    }
                }
                points.add(new Point(SOURCES.get(s), period * PERIOD_MILLIS, total, percentile(counts, total, 0.50), percentile(counts, total, 0.99)));
            }
        }
        return points;
    }

    /** The upper bound of the bucket holding the q-th event ({@link #BEYOND} for the last bucket); -1 without events. */
    static long percentile(long[] counts, long total, double q) {
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return b < BOUNDS.length ? BOUNDS[b] : BEYOND;
            }
        }
        return BEYOND;
    }

    static int bucket(long lagMillis) {
        int i = java.util.Arrays.binarySearch(BOUNDS, Math.max(0, lagMillis));
        return i >= 0 ? i : -i - 1;
    }

    /** 1 ms, then ten steps per decade (10^(k/10) rounded: 1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, ...) to 10^8 ms (28 hours). */
    private static long[] bounds() {
        List<Long> bounds = new ArrayList<>();
        for (int k = 0; k <= 80; k++) {
            long bound = Math.round(Math.pow(10, k / 10.0));
            if (bounds.isEmpty() || bound > bounds.get(bounds.size() - 1)) {
                bounds.add(bound);
            }
        }
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }
}
