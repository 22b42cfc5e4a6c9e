package com.example.profiles.lambda;

import java.util.Locale;

import com.example.profiles.core.ApplyResult;

/** How one record of a Kafka batch ended in this invocation. */
public enum RecordOutcome {
    /** The profile changed. */
    APPLIED,
    /** Applied before (a re-delivery): nothing changed. */
    DUPLICATE,
    /** Newer state was already in the profile: nothing changed. */
    STALE,
    /** Nothing to apply (a Debezium tombstone). */
    IGNORED,
    /** The profile was erased. */
    ERASED,
    /** Can never be applied: copied to the function's dead-letter topic, not retried. */
    INVALID,
    /** Could not be applied now (Redis unavailable, or the dead-letter copy failed): retried. */
    FAILED,
    /** Not tried, because an earlier record of its partition failed: retried after it, in order. */
    DEFERRED;

    static RecordOutcome of(ApplyResult.Status status) {
        return valueOf(status.name());
    }

    /** Whether the event source mapping must deliver the record again. */
    public boolean retried() {
        return this == FAILED || this == DEFERRED;
    }

    /** The metric name of the count of this outcome, e.g. {@code profile_events_applied}. */
    public String metricName() {
        return "profile_events_" + name().toLowerCase(Locale.ROOT);
    }
}
