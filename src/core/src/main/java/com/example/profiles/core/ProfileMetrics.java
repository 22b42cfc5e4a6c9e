package com.example.profiles.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The two measures every function reports: how each event ended, and the freshness lag (the
 * event's time to the moment its change was written to the profile), per source.
 */
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

    private final MeterRegistry registry;
    /**
     * The meters, built once: a builder's register() per event looks the meter up by its id again
     * (tags sorted, a map lookup under the registry's rules), which showed in the profile.
     */
    private final Map<CounterKey, Counter> outcomes = new ConcurrentHashMap<>();
    private final Map<String, Counter> lateCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> freshnessTimers = new ConcurrentHashMap<>();

    public ProfileMetrics(MeterRegistry registry) {
        this.registry = registry;
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

    /** The freshness timer of one source (exposed for reading in tests and the sweeper). */
    public Timer freshnessTimer(String source) {
        return freshnessTimers.computeIfAbsent(source, s -> Timer.builder("profile.freshness.lag")
                .description("Time from an event's occurrence to its change being written to the profile")
                .tag("source", source)
                .publishPercentiles(0.5, 0.9, 0.99, 0.999)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry));
    }
}
