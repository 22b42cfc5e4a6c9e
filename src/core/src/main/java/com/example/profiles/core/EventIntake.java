package com.example.profiles.core;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.core.ProfileMetrics.Outcome;
import com.example.profiles.freshness.IndexBatch;
import com.example.profiles.store.Deadline;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileStoreTimeoutException;
import com.example.profiles.store.ProfileStoreUnavailableException;

import io.smallrye.mutiny.Uni;

/**
 * The one path every event takes, whatever its trigger: decode, validate, check its type,
 * normalize, apply atomically, and count how it ended. Triggers differ only in how they decode and
 * in what they do with the outcome (answer HTTP, commit or dead-letter a Kafka record).
 */
@ApplicationScoped
public class EventIntake {

    private static final Logger LOG = Logger.getLogger(EventIntake.class);

    /** Decoded CloudEvent data with its attributes. */
    public record Decoded<T>(T data, EventMeta meta) {
    }

    private final EventValidation validation;
    private final ProfileUpdater updater;
    private final ProfileMetrics metrics;
    private final ProfileSettings settings;
    private final EventClock clock;
    /** A store outage fails every attempt of every event: one warning per function and trigger this often. */
    private final LogThrottle storeWarnings = new LogThrottle(Duration.ofSeconds(10));

    public EventIntake(EventValidation validation, ProfileUpdater updater, ProfileMetrics metrics, ProfileSettings settings, EventClock clock) {
        this.validation = validation;
        this.updater = updater;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
    }

    /** The function's one event type, from its descriptor. */
    public String eventType(ProfileEventFunction<?> function) {
        ProfileSettings.Function config = settings.functions().get(function.name());
        if (config == null) {
            throw new IllegalStateException("No functions/" + function.name() + "/function.json was found on the class path");
        }
        return config.eventType();
    }

    /**
     * @param decode decodes the event; runs lazily, so a decoding failure is counted like any other
     * @param trigger how the event arrived (http, kafka, lambda), for metrics
     */
    public <T> Uni<ApplyResult> apply(ProfileEventFunction<T> function, Supplier<Decoded<T>> decode, String trigger) {
        return apply(function, decode, trigger, null, null);
    }

    /**
     * How one attempt ends: an {@link ApplyResult}, or a failure that is either an
     * {@link InvalidEventException} (counted {@code invalid}: never retry), a
     * {@link ProfileStoreUnavailableException} (counted as a retry: try again later; includes
     * {@link ProfileStoreTimeoutException}), or anything else (counted {@code failed}: a bug or an
     * unforeseen input, which the trigger reports with the event's coordinates).
     *
     * @param deadline by when the event's Redis work must be answered (a Lambda invocation's
     *        remaining time, say); null for {@code profiles.store.timeout} from the script's start
     */
    public <T> Uni<ApplyResult> apply(ProfileEventFunction<T> function, Supplier<Decoded<T>> decode, String trigger, IndexBatch indexBatch,
            Deadline deadline) {
        return apply(function, decode, trigger, indexBatch, deadline, null);
    }

    /** @param generation the one generation to write (a rebuild's), or null for those the pointer says */
    public <T> Uni<ApplyResult> apply(ProfileEventFunction<T> function, Supplier<Decoded<T>> decode, String trigger, IndexBatch indexBatch,
            Deadline deadline, Generation generation) {
        String expectedType = eventType(function);
        return Uni.createFrom().deferred(() -> {
            Decoded<T> event = decode.get();
            // The attributes identify the event (dedup) and may carry its time: checked on every
            // channel, before anything else, so no channel takes what another refuses.
            EventAttributes.check(event.meta());
            if (event.meta().time() != null) {
                clock.checkWindow("time", event.meta().time());
            }
            if (event.data() == null && function.ignoresEmptyEvents()) {
                return Uni.createFrom().item(ApplyResult.ignored(event.meta().id()));
            }
            if (event.meta().type() != null && !expectedType.equals(event.meta().type())) {
                throw new InvalidEventException("type", "function " + function.name() + " takes only " + expectedType
                        + " events, not " + event.meta().type());
            }
            validation.check(event.data());
            ProfileUpdate update = function.toUpdate(event.data(), event.meta());
            return updater.apply(update, event.meta(), indexBatch, deadline, generation);
        }).invoke(result -> {
            metrics.outcome(function.name(), expectedType, trigger, Outcome.of(result.status()));
            if (result.late()) {
                metrics.late(function.name(), expectedType);
            }
        })
                .onFailure().invoke(failure -> {
                    if (failure instanceof InvalidEventException) {
                        metrics.outcome(function.name(), expectedType, trigger, Outcome.INVALID);
                    } else if (failure instanceof ProfileStoreUnavailableException) {
                        metrics.retry(function.name(), expectedType, trigger, RetryReason.ofStoreFailure(failure));
                        warnStoreUnavailable(function.name(), trigger, failure);
                    } else {
                        metrics.outcome(function.name(), expectedType, trigger, Outcome.FAILED);
                    }
                });
    }

    private void warnStoreUnavailable(String function, String trigger, Throwable failure) {
        long heldBack = storeWarnings.due(function + '/' + trigger);
        if (heldBack != LogThrottle.HELD_BACK) {
            LOG.warnf("%s events via %s cannot be applied now and will be retried: %s%s", function, trigger, failure.getMessage(),
                    heldBack == 0 ? "" : " (" + heldBack + " more such failures in the last " + storeWarnings.periodSeconds() + " s)");
        }
    }
}
