package com.example.profiles.generation;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How instances follow the generation pointer. */
@ConfigMapping(prefix = "profiles.generation")
public interface GenerationSettings {

    /** How often an instance reads the pointer (and says which version it acts on). */
    @WithDefault("PT1S")
    Duration poll();

    /**
     * A reading older than this is not acted on: the instance reads the pointer again before it
     * writes or reads a profile (an instance that was paused must not write by an old pointer).
     */
    @WithDefault("PT5S")
    Duration staleAfter();

    /** An instance that has not said which version it acts on for this long is taken as gone. */
    @WithDefault("PT15S")
    Duration instanceTimeout();

    /**
     * How long the erasure ledger keeps an erasure: at least the longest retention of the function
     * topics (a rebuild replays what they still hold), plus the time a compacted customers topic may
     * keep a delete before it is compacted away.
     */
    @WithDefault("P35D")
    java.time.Duration erasureLedgerRetention();
}
