package com.example.profiles.rebuild;

/** At most {@code perSecond} events per second, on average since the start. */
final class Pace {
    private final int perSecond;
    private final long started = System.nanoTime();
    private long taken;

    Pace(int perSecond) {
        this.perSecond = Math.max(1, perSecond);
    }

    void take(int events) {
        taken += events;
        long due = started + taken * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }
}
