package com.example.profiles.lifecycle;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.example.profiles.core.ProfileSettings;
import com.example.profiles.freshness.LagWindows;
import com.example.profiles.intake.KafkaIntake;
import com.example.profiles.sweeper.Sweeper;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * The order of a stop (SIGTERM): stop taking work, finish what is in flight, then let Quarkus close
 * the clients. Runs on the ShutdownEvent, which comes after the HTTP server stopped accepting
 * requests and let those in flight finish ({@code quarkus.shutdown.timeout}), and before the Redis
 * client and the Kafka connector are closed:
 * <ol>
 * <li>no new scheduled work (the scheduler is paused) and no new Kafka batch (KafkaIntake);</li>
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
    private final KafkaIntake kafka;
    private final Sweeper sweeper;
    private final LagWindows lagWindows;
    private final Duration drainTimeout;

    public GracefulShutdown(Scheduler scheduler, KafkaIntake kafka, Sweeper sweeper, LagWindows lagWindows, ProfileSettings settings) {
        this.scheduler = scheduler;
        this.kafka = kafka;
        this.sweeper = sweeper;
        this.lagWindows = lagWindows;
        this.drainTimeout = settings.kafka().drainTimeout();
    }

    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        long started = System.nanoTime();
        scheduler.pause();
        sweeper.stop();
        int batches = kafka.batchesInFlight();
        int unfinished = kafka.drain(drainTimeout);
        boolean drained = unfinished == 0;
        long left = drainTimeout.toNanos() - (System.nanoTime() - started);
        boolean sweepDone = sweeper.awaitIdle(Duration.ofNanos(Math.max(0, left)));
        lagWindows.flush().await().indefinitely(); // bounded by profiles.store.timeout
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (drained && sweepDone) {
            LOG.infof("Stopped taking events; the %d Kafka batches in flight finished, in %d ms", batches, millis);
        } else {
            LOG.warnf("Stopped taking events; after %d ms %s: their records stay uncommitted and go to the partitions' next owner",
                    millis, drained ? "a sweep was still running" : unfinished + " Kafka batches were not finished");
        }
    }
}
