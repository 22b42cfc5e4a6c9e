package com.example.profiles.sweeper;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/**
 * The sweeper function: one sweep per schedule tick. On Knative the tick is a PingSource CloudEvent
 * ({@code dev.knative.sources.ping}, entry point in {@code KnativeFunctions}); on AWS an EventBridge
 * Scheduler event; in the long-running runtime (the local runner, a plain deployment) this class's
 * own schedule, {@code profiles.sweeper.every} ({@code off} disables it). All call {@link #tick()}.
 */
@ApplicationScoped
public class SweeperFunction {

    public static final String NAME = "sweeper";

    private final Sweeper sweeper;

    public SweeperFunction(Sweeper sweeper) {
        this.sweeper = sweeper;
    }

    /** Runs one sweep and answers what it did. Blocking. */
    public SweepReport tick() {
        return sweeper.sweep();
    }

    /** Runs one sweep within at most {@code budget} (and {@code profiles.sweeper.time-budget}). Blocking. */
    public SweepReport tick(java.time.Duration budget) {
        return sweeper.sweep(budget);
    }

    @Scheduled(identity = "sweeper", every = "${profiles.sweeper.every:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        tick();
    }
}
