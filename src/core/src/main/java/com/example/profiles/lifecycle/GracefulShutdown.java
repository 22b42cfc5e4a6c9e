package com.example.profiles.lifecycle;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.example.profiles.core.ProfileSettings;
import com.example.profiles.freshness.LagWindows;
import com.example.profiles.sweeper.Sweeper;

import jakarta.enterprise.inject.Instance;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * The order of a stop (SIGTERM): stop taking work, finish what is in flight, then let Quarkus close
 * the clients. Runs on the ShutdownEvent, which comes after the HTTP server stopped accepting
 * requests and let those in flight finish ({@code quarkus.shutdown.timeout}), and before the Redis
 * client and the Kafka connector are closed:
 * <ol>
 * <li>no new scheduled work (the scheduler is paused) and no new work from outside: no new Kafka
 * batch ({@link InFlightWork}, the Kafka intake of the Knative application);</li>
 * <li>the Kafka batches in flight and a running sweep get {@code profiles.kafka.drain-timeout} to
 * finish; then a batch still waiting for Redis gives up, its records uncommitted for the next owner
 * of the partition (re-applying them is a harmless duplicate);</li>
 * <li>the freshness-lag counts of this instance are added to Redis one last time.</li>
 * </ol>
 * Then the Kafka consumers commit what was acknowledged and leave their groups (so the partitions
 * move at once), and Redis is closed with nothing left to run on it. Before, Redis was closed while
 * the consumers were still retrying, which logged dozens of "Client is closed" errors, and each
 * consumer's own grace period made a stop take 12-13 s.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final Scheduler scheduler;
    private final Instance<InFlightWork> work;
    private final Sweeper sweeper;
    private final LagWindows lagWindows;
    private final Duration drainTimeout;

    public GracefulShutdown(Scheduler scheduler, Instance<InFlightWork> work, Sweeper sweeper, LagWindows lagWindows, ProfileSettings settings) {
        this.scheduler = scheduler;
        this.work = work;
        this.sweeper = sweeper;
        this.lagWindows = lagWindows;
        this.drainTimeout = settings.kafka().drainTimeout();
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        long started = System.nanoTime();
        scheduler.pause();
        sweeper.stop();
        StringBuilder outcome = new StringBuilder();
        for (InFlightWork source : work) {
            int taken = source.inFlight();
            int unfinished = source.drain(left(started));
            outcome.append(unfinished == 0
                    ? String.format("the %d %s in flight finished; ", taken, source.name())
                    : String.format("%d of %d %s were not finished (their records stay uncommitted and go to the next owner); ",
                            unfinished, taken, source.name()));
        }
        if (!sweeper.awaitIdle(left(started))) {
            outcome.append("a sweep was still running (its entries stay due); ");
        }
        lagWindows.flush().await().indefinitely(); // bounded by profiles.store.timeout
        LOG.infof("Stopped taking work: %sin %d ms", outcome, (System.nanoTime() - started) / 1_000_000);
    }

    /** What is left of the drain timeout since {@code started}. */
    private Duration left(long started) {
        return Duration.ofNanos(Math.max(0, drainTimeout.toNanos() - (System.nanoTime() - started)));
    }
}
