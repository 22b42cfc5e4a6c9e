package com.example.profiles.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one log line per key and period: a failure that repeats for every event (a store outage,
 * a dead-letter topic that does not answer, a misrouted Trigger) should be seen in the log without
 * each event writing a line. The lines held back are counted, so the next line can say how many.
 * <p>
 * When producers choose the keys (an event type), the keys remembered are bounded: past
 * {@code maxKeys}, keys whose line would be due again anyway are forgotten, and if that frees no
 * room the new keys share one line, {@code overflowLine}, at most once per period. Thread-safe.
 */
public final class LogThrottle {

    /** What {@link #due} answers when the line is held back. */
    public static final long HELD_BACK = -1;

    private final long periodNanos;
    private final int maxKeys;
    private final Runnable overflowLine;
    private final LongSupplier nanoTime;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Slot overflow;

    /** For keys the code chooses (a function and a trigger), which need no bound. */
    public LogThrottle(Duration period) {
        this(period, Integer.MAX_VALUE, () -> {
        });
    }

    public LogThrottle(Duration period, int maxKeys, Runnable overflowLine) {
        this(period, maxKeys, overflowLine, System::nanoTime);
    }

    LogThrottle(Duration period, int maxKeys, Runnable overflowLine, LongSupplier nanoTime) {
        this.periodNanos = period.toNanos();
        this.maxKeys = maxKeys;
        this.overflowLine = overflowLine;
        this.nanoTime = nanoTime;
        this.overflow = new Slot(nanoTime.getAsLong() - periodNanos);
    }

    /**
     * Whether the key's line is due now: at most once per period.
     *
     * @return how many of the key's lines were held back since its last one (0 or more) when it is
     *         due, else {@link #HELD_BACK} (and the line is counted as held back)
     */
    public long due(String key) {
        long now = nanoTime.getAsLong();
        Slot slot = slots.get(key);
        if (slot == null) {
            if (slots.size() >= maxKeys) {
                slots.values().removeIf(known -> known.isDue(now));
                if (slots.size() >= maxKeys) {
                    if (overflow.take(now, periodNanos) != HELD_BACK) {
                        overflowLine.run();
                    }
                    return HELD_BACK;
                }
            }
            // Due since a period ago, not from this call's clock reading: a concurrent first call
            // that read the clock a moment earlier must find it due too, not count itself held
            // back before the key's first line was ever logged.
            slot = slots.computeIfAbsent(key, k -> new Slot(now - periodNanos));
        }
        return slot.take(now, periodNanos);
    }

    /** The period in whole seconds, for a line that says over what time it counted. */
    public long periodSeconds() {
        return Duration.ofNanos(periodNanos).toSeconds();
    }

    private static final class Slot {

        /** When the next line may be logged, as {@link System#nanoTime()}. */
        private final AtomicLong nextDue;
        private final AtomicLong heldBack = new AtomicLong();

        Slot(long now) {
            this.nextDue = new AtomicLong(now);
        }

        boolean isDue(long now) {
            return now - nextDue.get() >= 0;
        }

        long take(long now, long periodNanos) {
            long next = nextDue.get();
            if (now - next >= 0 && nextDue.compareAndSet(next, now + periodNanos)) {
                return heldBack.getAndSet(0);
            }
            heldBack.incrementAndGet();
            return HELD_BACK;
        }
    }
}
