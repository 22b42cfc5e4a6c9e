package com.example.profiles.lifecycle;

import java.time.Duration;

/**
 * Work a binding takes from outside (the Kafka consumers' batches) that must be finished, or
 * handed back uncommitted, before the application closes its clients. {@link GracefulShutdown}
 * drains every bean of this type at a stop.
 */
public interface InFlightWork {

    /** What it is, for the shutdown log line ("Kafka batches"). */
    String name();

    /** How many units are in flight now. */
    int inFlight();

    /**
     * Takes no new work and waits up to {@code timeout} for what is in flight to finish; after that,
     * gives up on it (its retries stop). Blocking.
     *
     * @return how many units were not finished in time
     */
    int drain(Duration timeout);
}
