package com.example.profiles.store;

import java.time.Duration;

/**
 * The moment by which a caller needs Redis's answer (monotonic clock). Every store call has one:
 * the caller's own, or {@code profiles.store.timeout} from when the call started. A call that
 * passes it fails with {@link ProfileStoreTimeoutException} (retryable) instead of waiting for a
 * store that hangs; the command may still run in Redis afterwards, which is harmless because every
 * write script is idempotent (a retry finds a duplicate).
 *
 * <p>A binding that knows how long its caller waits (an AWS Lambda invocation's remaining time)
 * passes {@code Deadline.in(remaining minus a margin)} with the event; everything below uses the
 * same deadline, so the whole event's Redis work ends in time, not each command.
 */
public final class Deadline {

    private final long nanos;

    private Deadline(long nanos) {
        this.nanos = nanos;
    }

    /** {@code timeout} from now. */
    public static Deadline in(Duration timeout) {
        long now = System.nanoTime();
        long span = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        return new Deadline(now + Math.min(span, Long.MAX_VALUE / 4));
    }

    /** At a point of {@link System#nanoTime()}. */
    public static Deadline atNanoTime(long nanoTime) {
        return new Deadline(nanoTime);
    }

    public long nanoTime() {
        return nanos;
    }

    public boolean hasPassed() {
        return System.nanoTime() - nanos >= 0;
    }

    /** What is left, zero once passed. */
    public Duration remaining() {
        long left = nanos - System.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    /** The earlier of the two (null counts as none). */
    public Deadline earlier(Deadline other) {
        return other == null || nanos - other.nanos <= 0 ? this : other;
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "deadline in " + remaining().toMillis() + " ms";
    }
}
