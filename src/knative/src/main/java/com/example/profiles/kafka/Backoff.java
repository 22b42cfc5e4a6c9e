package com.example.profiles.kafka;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Retries an operation that failed because Redis was unavailable, with capped exponential
 * backoff (jittered by up to half the delay), until it succeeds. Mutiny's
 * {@code onFailure().retry().withBackOff(...)} does the same, but builds a retry stream (a
 * Multi with a trigger processor) for every record, failure or not: on the Kafka path that was
 * part of the per-event framework cost. Here nothing is built until a failure happens.
 */
final class Backoff {

    private Backoff() {
    }

    /** Subscribes to {@code attempt.get()}; on a failure of {@code retryOn}, waits and tries again. */
    static <T> Uni<T> untilDone(Supplier<Uni<T>> attempt, Class<? extends Throwable> retryOn, Duration first, Duration max) {
        return attempt(attempt, retryOn, first.toMillis(), max.toMillis());
    }

    private static <T> Uni<T> attempt(Supplier<Uni<T>> attempt, Class<? extends Throwable> retryOn, long delayMillis, long maxMillis) {
        return attempt.get().onFailure(retryOn).recoverWithUni(failure -> {
            long jitter = ThreadLocalRandom.current().nextLong(delayMillis / 2 + 1);
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(delayMillis - jitter))
                    .chain(() -> attempt(attempt, retryOn, Math.min(delayMillis * 2, maxMillis), maxMillis));
        });
    }
}
