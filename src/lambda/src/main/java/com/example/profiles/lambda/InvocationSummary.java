package com.example.profiles.lambda;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one invocation did, for its metrics: how many records ended how, and the freshness lag of
 * each applied one. Only this invocation's values, never totals: a frozen or recycled Lambda
 * instance must not report the same events twice.
 *
 * @param source the profile source the events write (the {@code source} of the freshness lag)
 * @param eventSource {@code aws:kafka} or {@code SelfManagedKafka}
 * @param lagsMillis the freshness lag of each applied record
 */
public record InvocationSummary(String function, String source, String eventSource, Map<RecordOutcome, Long> counts, long[] lagsMillis) {

    public static InvocationSummary of(String function, String source, String eventSource, List<RecordResult> results) {
        Map<RecordOutcome, Long> counts = new EnumMap<>(RecordOutcome.class);
        for (RecordOutcome outcome : RecordOutcome.values()) {
            counts.put(outcome, 0L);
        }
        results.forEach(result -> counts.merge(result.outcome(), 1L, Long::sum));
        long[] lags = results.stream()
                .filter(result -> result.outcome() == RecordOutcome.APPLIED)
                .mapToLong(RecordResult::freshnessLagMillis)
                .toArray();
        return new InvocationSummary(function, source, eventSource, counts, lags);
    }

    public long count(RecordOutcome outcome) {
        return counts.getOrDefault(outcome, 0L);
    }

    /** The 99th percentile (nearest rank) of the applied records' lags; empty when none was applied. */
    public OptionalLong freshnessLagP99() {
        if (lagsMillis.length == 0) {
            return OptionalLong.empty();
        }
        long[] sorted = lagsMillis.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(0.99 * sorted.length);
        return OptionalLong.of(sorted[Math.max(0, rank - 1)]);
    }
}
