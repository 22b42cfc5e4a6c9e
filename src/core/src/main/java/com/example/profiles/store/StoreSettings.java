package com.example.profiles.store;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long the event path waits for Redis (see {@link Deadline} and {@link PipelinedRedis}). */
@ConfigMapping(prefix = "profiles.store")
public interface StoreSettings {

    /**
     * The deadline of one event's (or one profile read's) Redis work when the caller gives none:
     * its script, the script's NOSCRIPT fallback, and the freshness-index updates. Keep it well
     * below what the callers wait for: HTTP answers 503 with Retry-After when it passes (Knative's
     * Broker retries), Kafka retries the record in place.
     */
    @WithDefault("PT1.5S")
    Duration timeout();
}
