package com.example.profiles.sweeper;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How much one sweep may do, and how overlapping sweeps are kept apart. */
@ConfigMapping(prefix = "profiles.sweeper")
public interface SweeperSettings {

    /** The most due entries one run examines; the rest waits for the next run. */
    @WithDefault("5000")
    int maxEntries();

    /** Entries read from a queue shard at a time. */
    @WithDefault("200")
    int batchSize();

    /** The most time one run spends; the rest waits for the next run. */
    @WithDefault("PT20S")
    Duration timeBudget();

    /**
     * How long a run's lease lasts. A run that dies keeps others out at most this long; it must be
     * longer than the time budget so a live run never loses its lease.
     */
    @WithDefault("PT60S")
    Duration lease();

    /** How often the long-running runtime sweeps on its own ({@code off} disables it). */
    @WithDefault("60s")
    String every();
}
