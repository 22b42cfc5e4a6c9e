package com.example.profiles.lambda;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;

/**
 * The sweeper's Lambda entry point, triggered by EventBridge Scheduler. It reads the tick; the sweep
 * itself is not wired yet: the sweeper function (package {@code com.example.profiles.sweeper}) is
 * being written. Until then an invocation fails loudly rather than pretend it swept.
 */
public class SweeperSchedule {

    static final String FUNCTION = "sweeper";

    @Funq(FUNCTION)
    public void sweeper(JsonNode event) {
        ScheduleTick tick = ScheduleTick.from(event);
        runSweep(tick);
    }

    /**
     * THE PLACE TO CALL THE SWEEP: inject the sweeper and run one sweep for this tick here (its
     * {@code time} is when the schedule fired; its {@code id} is the same on a retried delivery).
     */
    void runSweep(ScheduleTick tick) {
        throw new IllegalStateException("sweeper: the tick " + tick.id() + " of " + tick.time()
                + " was read, but no sweep is wired to the schedule yet (SweeperSchedule.runSweep); nothing was swept");
    }
}
