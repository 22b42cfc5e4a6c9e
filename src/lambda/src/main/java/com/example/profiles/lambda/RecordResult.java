package com.example.profiles.lambda;

import com.example.profiles.core.ApplyResult;

/**
 * One record's outcome in an invocation.
 *
 * @param topicPartition {@code <topic>-<partition>}
 * @param freshnessLagMillis event time to profile written, for an applied record; else 0
 * @param failure why a failed record failed; null otherwise
 */
public record RecordResult(String topicPartition, long offset, RecordOutcome outcome, long freshnessLagMillis, Throwable failure) {

    static RecordResult of(String topicPartition, long offset, ApplyResult result) {
        return new RecordResult(topicPartition, offset, RecordOutcome.of(result.status()), result.freshnessLagMillis(), null);
    }

    static RecordResult of(String topicPartition, long offset, RecordOutcome outcome) {
        return new RecordResult(topicPartition, offset, outcome, 0, null);
    }

    static RecordResult failed(String topicPartition, long offset, Throwable failure) {
        return new RecordResult(topicPartition, offset, RecordOutcome.FAILED, 0, failure);
    }
}
