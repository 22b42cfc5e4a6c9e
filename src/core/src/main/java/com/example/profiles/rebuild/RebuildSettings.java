package com.example.profiles.rebuild;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a rebuild of the profiles runs. */
@ConfigMapping(prefix = "profiles.rebuild")
public interface RebuildSettings {

    /**
     * Run a rebuild when the application starts, then stop the application (a one-off job: a
     * Kubernetes Job, the command infra/ops/rebuild-profiles.sh).
     */
    @WithDefault("false")
    boolean run();

    /**
     * The most events per second the rebuild applies. Its Redis budget: this rate times Redis's time
     * per event (about 40 µs on the benchmark's mix, BENCHMARKS.md), so 2,000 events/s take about 8%
     * of one Redis core, which the live path keeps.
     */
    @WithDefault("2000")
    int maxEventsPerSecond();

    /** Records read per poll, and applied before the offsets are committed (memory stays bounded by it). */
    @WithDefault("500")
    int batchSize();

    /**
     * The switch starts when the records not yet read by the rebuild, over every partition of the
     * functions' topics, are at most this many: the last of them are read while every event is written
     * to both generations.
     */
    @WithDefault("1000")
    long switchLag();

    /**
     * After the switch, the rebuild goes on reading the topics this long, so an event that an
     * instance applied to the old generation only (one paused across the switch) reaches the new one.
     */
    @WithDefault("PT1M")
    Duration grace();

    /** Remove the old generation after the switch (off: keep it, e.g. to compare). */
    @WithDefault("true")
    boolean removeOld();

    /** How fast the old generation's profiles are removed (users per second). */
    @WithDefault("2000")
    int removePerSecond();

    /** How often the progress line is printed. */
    @WithDefault("PT5S")
    Duration progressEvery();

    /** How long to wait for every instance to act on a new generation pointer. */
    @WithDefault("PT2M")
    Duration acknowledgeTimeout();

    /** The consumer group of a rebuild into generation n: this prefix and n (its offsets make it resumable). */
    @WithDefault("profiles-rebuild-g")
    String groupPrefix();
}
