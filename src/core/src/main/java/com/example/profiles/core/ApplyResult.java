package com.example.profiles.core;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What applying one event did, returned to the caller (the HTTP response body, the response
 * CloudEvent's data).
 *
 * @param status {@link Status#APPLIED}, or why nothing changed
 * @param duplicate true when the event had been applied before (same as status DUPLICATE), kept
 *        as a flag because it is what retrying callers check
 * @param late the event arrived later than the lateness bound behind the newest event of its source
 * @param profileVersion the profile's version after this event (unchanged unless applied)
 * @param freshnessLagMillis event time to profile written; 0 unless applied
 */
@RegisterForReflection
public record ApplyResult(String userId, String eventId, Status status, boolean duplicate, boolean late, long profileVersion,
        long freshnessLagMillis) {

    public enum Status {
        /** The profile changed. */
        APPLIED,
        /** This event (source + id) was applied before: nothing changed. */
        DUPLICATE,
        /** Newer state is already in the profile (or the profile was erased after this event): nothing changed. */
        STALE,
        /** The event carries nothing to apply (a Debezium tombstone). */
        IGNORED,
        /** The profile was erased (right to erasure). */
        ERASED
    }

    public static ApplyResult ignored(String eventId) {
        return new ApplyResult(null, eventId, Status.IGNORED, false, false, 0, 0);
    }
}
