package com.example.profiles.lambda;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import com.example.profiles.sweeper.SweepReport;
import com.example.profiles.sweeper.SweeperFunction;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.funqy.Funq;

/**
 * The sweeper's Lambda entry point. Whatever invokes it (EventBridge Scheduler with the module's
 * input, a scheduled EventBridge rule's "Scheduled Event", a test by hand) gets one sweep; what
 * came is logged ({@link ScheduleTick}). A retried delivery of the same tick runs another sweep,
 * which is harmless (the lease and the check-and-act scripts make a second sweep find nothing to
 * redo).
 *
 * <p>The sweep's time budget is the smaller of {@code profiles.sweeper.time-budget} and the
 * invocation's remaining time less {@code profiles.lambda.sweep-reserve}: the entries left over
 * wait for the next tick, and the function answers before Lambda's timeout.
 */
public class SweeperSchedule {

    private static final Logger LOG = Logger.getLogger(SweeperSchedule.class);
    static final String FUNCTION = SweeperFunction.NAME;

    private final SweeperFunction sweeper;
    private final InvocationDeadlines deadlines;
    private final Duration reserve;

    public SweeperSchedule(SweeperFunction sweeper, InvocationDeadlines deadlines, LambdaSettings settings) {
        this.sweeper = sweeper;
        this.deadlines = deadlines;
        this.reserve = settings.sweepReserve();
    }

    /**
     * Takes whatever the schedule delivers and returns what the sweep did. The sweep runs on a
     * thread of its own, which is interrupted if it is still running at the invocation's deadline
     * (a Redis that hangs in the middle of a call): its blocking Redis calls end there, the function
     * answers with an error before Lambda's timeout, the entries not reached stay due, and the
     * sweep's lease expires on its own.
     */
    @Funq(FUNCTION)
    public SweepReport sweeper(JsonNode event) throws Exception {
        InvocationDeadline deadline = deadlines.now();
        ScheduleTick tick = ScheduleTick.from(event, LambdaInvocation.requestId());
        Duration budget = deadline.remaining().minus(reserve);
        LOG.infof("Schedule tick: %s", tick.describe());
        FutureTask<SweepReport> sweep = new FutureTask<>(() -> sweeper.tick(budget.isNegative() ? Duration.ZERO : budget));
        Thread thread = new Thread(sweep, "sweep-" + tick.id());
        thread.start();
        SweepReport report;
        try {
            report = sweep.get(deadline.remaining().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException late) {
            thread.interrupt();
            throw new IllegalStateException("Schedule tick " + tick.id() + ": the sweep did not finish before the invocation's deadline ("
                    + deadline.basis() + "); its entries stay due for the next tick");
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof Exception e ? e : failed;
        }
        LOG.infof("Schedule tick %s: %s", tick.id(), report);
        return report;
    }
}
