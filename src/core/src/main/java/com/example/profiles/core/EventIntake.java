package com.example.profiles.core;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.core.ProfileMetrics.Outcome;
import com.example.profiles.freshness.IndexBatch;

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

    public EventIntake(EventValidation validation, ProfileUpdater updater, ProfileMetrics metrics, ProfileSettings settings) {
        this.validation = validation;
        this.updater = updater;
        this.metrics = metrics;
        this.settings = settings;
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
        return apply(function, decode, trigger, null);
    }

    /** @param indexBatch where the freshness-index updates are gathered (see {@link ProfileUpdater}), or null */
    public <T> Uni<ApplyResult> apply(ProfileEventFunction<T> function, Supplier<Decoded<T>> decode, String trigger, IndexBatch indexBatch) {
        String expectedType = eventType(function);
        return Uni.createFrom().deferred(() -> {
            Decoded<T> event = decode.get();
            if (event.data() == null && function.ignoresEmptyEvents()) {
                return Uni.createFrom().item(ApplyResult.ignored(event.meta().id()));
            }
            if (event.meta().type() != null && !expectedType.equals(event.meta().type())) {
                throw new InvalidEventException("type", "function " + function.name() + " takes only " + expectedType
                        + " events, not " + event.meta().type());
            }
            validation.check(event.data());
            ProfileUpdate update = function.toUpdate(event.data(), event.meta());
            return updater.apply(update, event.meta(), indexBatch);
        }).invoke(result -> {
            metrics.outcome(function.name(), expectedType, trigger, Outcome.of(result.status()));
            if (result.late()) {
                metrics.late(function.name(), expectedType);
            }
        })
                .onFailure().invoke(failure -> {
                    if (failure instanceof InvalidEventException) {
                        metrics.outcome(function.name(), expectedType, trigger, Outcome.INVALID);
                    } else {
                        metrics.outcome(function.name(), expectedType, trigger, Outcome.FAILED);
                        LOG.warnf("%s event via %s failed and may be retried: %s", function.name(), trigger, failure.getMessage());
                    }
                });
    }
}
