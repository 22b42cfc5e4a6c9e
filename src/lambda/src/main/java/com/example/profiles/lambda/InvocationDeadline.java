package com.example.profiles.lambda;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import com.example.profiles.store.Deadline;

import io.smallrye.mutiny.Uni;

/**
 * When this invocation's work must be done: the Lambda's remaining time less a margin for
 * answering. Work still running then is cut off and reported as failed (to be retried), so the
 * function answers before Lambda stops it: a timed-out invocation would have its whole batch
 * retried and, after the retries, sent to the failure destination.
 *
 * @param atNanos {@link System#nanoTime()} at the deadline
 * @param basis where the time came from, for log lines
 */
public record InvocationDeadline(long atNanos, String basis) {

    static InvocationDeadline in(Duration left, String basis) {
        return new InvocationDeadline(System.nanoTime() + Math.max(0, left.toNanos()), basis);
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    public boolean passed() {
        return System.nanoTime() >= atNanos;
    }

    /** The same moment as the store's {@link Deadline}, which it applies to every Redis command. */
    public Deadline forStore() {
        return Deadline.atNanoTime(atNanos);
    }

    /**
     * The work, failing with {@link DeadlineExceededException} if it has not answered by the
     * deadline (or at once, if the deadline has passed). The work is cancelled, not undone: a Redis
     * command already sent may still run, which the idempotent updates make harmless on retry.
     */
    public <T> Uni<T> bound(Uni<T> work, String what) {
        Duration left = remaining();
        if (left.isZero()) {
            return Uni.createFrom().failure(new DeadlineExceededException(what, this));
        }
        return work.ifNoItem().after(left).failWith(() -> new DeadlineExceededException(what, this));
    }

    /** The work did not finish before the invocation's deadline. */
    public static class DeadlineExceededException extends TimeoutException {
        private static final long serialVersionUID = 1L;

        DeadlineExceededException(String what, InvocationDeadline deadline) {
            super(what + " did not finish before the invocation's deadline (" + deadline.basis() + ")");
        }
    }
}
