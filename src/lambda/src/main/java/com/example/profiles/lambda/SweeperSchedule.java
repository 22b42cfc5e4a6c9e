package com.example.profiles.lambda;

import org.jboss.logging.Logger;

import com.example.profiles.sweeper.SweepReport;
import com.example.profiles.sweeper.SweeperFunction;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;

/**
 * The sweeper's Lambda entry point, triggered by EventBridge Scheduler (detail-type "Scheduled
 * Event"). One tick runs one sweep; a retried delivery of the same tick runs another sweep, which
 * is harmless (the lease and the check-and-act scripts make a second sweep find nothing to redo).
 */
public class SweeperSchedule {

    private static final Logger LOG = Logger.getLogger(SweeperSchedule.class);
    static final String FUNCTION = SweeperFunction.NAME;

    private final SweeperFunction sweeper;

    public SweeperSchedule(SweeperFunction sweeper) {
        this.sweeper = sweeper;
    }

    /** Takes an EventBridge Scheduler event and returns what the sweep did. */
    @Funq(FUNCTION)
    public SweepReport sweeper(JsonNode event) {
        ScheduleTick tick = ScheduleTick.from(event);
        SweepReport report = sweeper.tick();
        LOG.infof("Schedule tick %s of %s: %s", tick.id(), tick.time(), report);
        return report;
    }
}
