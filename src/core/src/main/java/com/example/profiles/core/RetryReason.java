package com.example.profiles.core;

import com.example.profiles.store.ProfileStoreTimeoutException;
import com.example.profiles.store.ProfileStoreUnavailableException;

import io.smallrye.mutiny.CompositeException;

/**
 * Why an attempt at an event failed in a way worth retrying, the {@code reason} tag of
 * {@code profile_event_retries_total}. These are counted apart from events that failed: a retried
 * attempt puts no data at risk (the retry applies the event once), so it must not page anyone by
 * itself, while a long run of them with nothing applied means the store is gone.
 */
public enum RetryReason {

    /** Redis refused or dropped the connection, or answered that it cannot serve now (LOADING, MASTERDOWN). */
    STORE_UNAVAILABLE("store-unavailable"),
    /** Redis did not answer before the call's deadline (paused, overloaded, network gone). */
    STORE_TIMEOUT("store-timeout"),
    /**
     * A Redis Cluster moved the slot under the command (MOVED, ASK, TRYAGAIN, CLUSTERDOWN reaching
     * us): resharding or failover. The client follows MOVED and ASK itself and retries TRYAGAIN for
     * about 13 s, so during a migration the command's deadline usually ends the attempt first, and it
     * counts as {@link #STORE_TIMEOUT}.
     */
    CLUSTER_RESHARDING("cluster-resharding"),
    /** The dead-letter copy of a refused record was not acknowledged by the broker. */
    DEAD_LETTER_UNAVAILABLE("dead-letter-unavailable");

    private final String tag;

    RetryReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    /** The reason a store failure (a {@link ProfileStoreUnavailableException} and its causes) was retried. */
    public static RetryReason ofStoreFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ProfileStoreTimeoutException) {
                return STORE_TIMEOUT;
            }
            if (cause instanceof CompositeException composite) {
                for (Throwable each : composite.getCauses()) {
                    RetryReason reason = ofStoreFailure(each);
                    if (reason != STORE_UNAVAILABLE) {
                        return reason;
                    }
                }
            }
            String message = cause.getMessage();
            if (message != null && (message.startsWith("MOVED") || message.startsWith("ASK") || message.startsWith("TRYAGAIN")
                    || message.startsWith("CLUSTERDOWN"))) {
                return CLUSTER_RESHARDING;
            }
        }
        return STORE_UNAVAILABLE;
    }
}
