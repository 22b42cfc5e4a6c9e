package com.example.profiles.kafka;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Retries an operation that failed for a passing reason (Redis unavailable, the dead-letter broker
 * not answering) with capped exponential backoff (jittered by up to half the delay), for as long
 * as it takes: a record waits in place, uncommitted, through an outage of any length. Only the
 * application giving up on its work at shutdown ends the retries ({@link Abandoned}). Mutiny's
 * {@code onFailure().retry().withBackOff(...)} does the same, but builds a retry stream (a Multi
 * with a trigger processor) for every record, failure or not: on the Kafka path that was part of
 * the per-event framework cost. Here nothing is built until a failure happens.
 */
final class Backoff {

    /** The application stopped waiting for this work (shutdown): its record stays uncommitted. */
    static final class Abandoned extends RuntimeException {
        static final Abandoned INSTANCE = new Abandoned();

        private Abandoned() {
            super("abandoned at shutdown", null, false, false);
        }
    }

    private final Duration first;
    private final Duration max;
    /** Completes when the application abandons work in progress (shutdown after the drain timeout). */
    private final CompletionStage<Void> abandoned;

    Backoff(Duration first, Duration max, CompletionStage<Void> abandoned) {
        this.first = first;
        this.max = max;
        this.abandoned = abandoned;
    }

    /**
     * Subscribes to {@code attempt.get()}; on a failure that {@code retryOn} accepts, calls
     * {@code onRetry}, waits and tries again. Fails with {@link Abandoned} once the work is abandoned.
     */
    <T> Uni<T> untilDone(Supplier<Uni<T>> attempt, Predicate<Throwable> retryOn, Consumer<Throwable> onRetry) {
        return attempt(attempt, retryOn, onRetry, first.toMillis());
    }

    private <T> Uni<T> attempt(Supplier<Uni<T>> attempt, Predicate<Throwable> retryOn, Consumer<Throwable> onRetry, long delayMillis) {
        return attempt.get().onFailure(retryOn).recoverWithUni(failure -> {
            if (abandoned.toCompletableFuture().isDone()) {
                return Uni.createFrom().failure(Abandoned.INSTANCE);
            }
            onRetry.accept(failure);
            long jitter = ThreadLocalRandom.current().nextLong(delayMillis / 2 + 1);
            Uni<Boolean> waited = Uni.createFrom().item(Boolean.TRUE).onItem().delayIt().by(Duration.ofMillis(delayMillis - jitter));
            // A stage of its own per wait: cancelling it (the wait ended first) must not touch the shared one.
            Uni<Boolean> gaveUp = Uni.createFrom().completionStage(() -> abandoned.thenApply(ignored -> Boolean.FALSE));
            return Uni.combine().any().of(waited, gaveUp).chain(retry -> Boolean.TRUE.equals(retry)
                    ? attempt(attempt, retryOn, onRetry, Math.min(delayMillis * 2, max.toMillis()))
                    : Uni.createFrom().failure(Abandoned.INSTANCE));
        });
    }
}
