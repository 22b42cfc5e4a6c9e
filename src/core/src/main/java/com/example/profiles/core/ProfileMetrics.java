package com.example.profiles.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.freshness.FreshnessSettings;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/**
 * The measures every function reports: how each event ended ({@code profile_events_total}), the
 * attempts that failed for a passing reason and are retried ({@code profile_event_retries_total},
 * counted apart so that a retry that later applies is not a failed event), and the freshness lag
 * (the event's time to the moment its change was written to the profile), per source; and, beside
 * the lag, each source's alert threshold ({@code profile_freshness_lag_threshold_seconds{source}}),
 * so the Prometheus rule compares with the value the application is configured with instead of a
 * number of its own. The lag histogram has a bucket boundary exactly at the threshold, so "the p99
 * is above the threshold" reads the same from the histogram as from the sweeper's count of events
 * over it (more than 1%). Built at start, so the threshold is there before the first event.
 *
 * <p>Outcome {@code failed} means the function gave up on an event because of something it did
 * not foresee (a bug, or an input no check caught): on Kafka the record is dead-lettered with
 * reason {@code internal error: <class>}, over HTTP it is answered 500. Store outages, deadlines
 * and cluster redirects are retries, never {@code failed}.
 */
@Startup
@ApplicationScoped
public class ProfileMetrics {

    public enum Outcome {
        APPLIED, DUPLICATE, STALE, IGNORED, ERASED, INVALID, FAILED;

        static Outcome of(ApplyResult.Status status) {
            return valueOf(status.name());
        }

        String tag() {
            return name().toLowerCase();
        }
    }

    private record CounterKey(String function, String eventType, String trigger, Outcome outcome) {
    }

    private record RetryKey(String function, String eventType, String trigger, RetryReason reason) {
    }

    private final MeterRegistry registry;
    /**
     * The meters, built once: a builder's register() per event looks the meter up by its id again
     * (tags sorted, a map lookup under the registry's rules), which showed in the profile.
     */
    private final Map<CounterKey, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<RetryKey, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> lateCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> freshnessTimers = new ConcurrentHashMap<>();
    private final Map<String, Duration> lagThresholds;

    public ProfileMetrics(MeterRegistry registry, FreshnessSettings freshness) {
        this.registry = registry;
        this.lagThresholds = Map.copyOf(freshness.sources().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().lagP99Threshold())));
        lagThresholds.forEach((source, threshold) -> {
            freshnessTimer(source);
            Gauge.builder("profile.freshness.lag.threshold", threshold, t -> t.toMillis() / 1000.0)
                    .description("The p99 freshness lag above which the source's lag alert fires")
                    .baseUnit("seconds")
                    .tag("source", source)
                    .register(registry);
        });
    }

    /**
     * @param function the function name
     * @param trigger how the event arrived: http, kafka, lambda
     */
    public void outcome(String function, String eventType, String trigger, Outcome outcome) {
        outcomes.computeIfAbsent(new CounterKey(function, eventType, trigger, outcome), k -> Counter.builder("profile.events")
                .description("Events received by the profile functions, by how they ended")
                .tag("function", function)
                .tag("type", eventType)
                .tag("trigger", trigger)
                .tag("outcome", outcome.tag())
                .register(registry))
                .increment();
    }

    /**
     * One attempt at an event failed for a passing reason and the event will be tried again: in
     * place (Kafka), or by its sender (HTTP 503, a Lambda record reported failed).
     */
    public void retry(String function, String eventType, String trigger, RetryReason reason) {
        retries.computeIfAbsent(new RetryKey(function, eventType, trigger, reason), k -> Counter.builder("profile.event.retries")
                .description("Attempts at an event that failed for a passing reason (store unavailable or late, a cluster slot moving,"
                        + " the dead-letter broker unavailable) and are retried; not failed events")
                .tag("function", function)
                .tag("type", eventType)
                .tag("trigger", trigger)
                .tag("reason", reason.tag())
                .register(registry))
                .increment();
    }

    /** Events applied although they came later than the lateness bound (they are also counted by outcome). */
    public void late(String function, String eventType) {
        lateCounters.computeIfAbsent(function + '\u0000' + eventType, k -> Counter.builder("profile.events.late")
                .description("Events that arrived later than the lateness bound behind their source's newest event")
                .tag("function", function)
                .tag("type", eventType)
                .register(registry))
                .increment();
    }

    public void freshnessLag(String source, long lagMillis) {
        freshnessTimer(source).record(Math.max(0, lagMillis), TimeUnit.MILLISECONDS);
    }

    /** The freshness timer of one source, built once; with a bucket boundary at the source's alert threshold. */
    private Timer freshnessTimer(String source) {
        return freshnessTimers.computeIfAbsent(source, s -> {
            Timer.Builder timer = Timer.builder("profile.freshness.lag")
                    .description("Time from an event's occurrence to its change being written to the profile")
                    .tag("source", source)
                    .publishPercentiles(0.5, 0.9, 0.99, 0.999)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofHours(1));
            Duration threshold = lagThresholds.get(source);
            if (threshold != null) {
                timer.serviceLevelObjectives(threshold);
            }
            return timer.register(registry);
        });
    }
}
