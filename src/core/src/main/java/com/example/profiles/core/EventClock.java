package com.example.profiles.core;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Decides an event's time: the data's own time, else the CloudEvent {@code time}; and keeps every
 * event time inside a sane window, from {@code profiles.earliest-event-time} to now plus
 * {@code profiles.max-future-skew}. A time outside it is refused, never coerced: a year
 * -999999999 has no epoch milliseconds, 1970 is not when anything we see happened, and either
 * would poison ordering, lateness and the freshness lag.
 */
@ApplicationScoped
public class EventClock {

    private final ProfileSettings settings;
    private final Clock clock = Clock.systemUTC();

    public EventClock(ProfileSettings settings) {
        this.settings = settings;
    }

    public long nowMillis() {
        return clock.millis();
    }

    /**
     * @param occurredAt the time in the event data, may be null
     * @param meta the CloudEvent attributes, whose time is the fallback
     * @return the event time in UTC epoch milliseconds
     */
    public long eventTimeMillis(Instant occurredAt, EventMeta meta) {
        Instant time = occurredAt != null ? occurredAt : meta.time();
        if (time == null) {
            throw new InvalidEventException("occurredAt", "the event has no time: set occurredAt in the data or the CloudEvent time attribute");
        }
        checkWindow(occurredAt != null ? "occurredAt" : "time", time);
        return time.toEpochMilli();
    }

    /**
     * Refuses a time outside the window. The message names the bound, not the time: the time may
     * be absurd. Safe for any {@link Instant} (nothing is converted before the check).
     */
    public void checkWindow(String field, Instant time) {
        if (time.isBefore(settings.earliestEventTime())) {
            throw new InvalidEventException(field, "lies before " + settings.earliestEventTime()
                    + ", the earliest event time taken (profiles.earliest-event-time)");
        }
        if (time.isAfter(clock.instant().plus(settings.maxFutureSkew()))) {
            throw new InvalidEventException(field, "lies more than " + settings.maxFutureSkew()
                    + " in the future (profiles.max-future-skew)");
        }
    }
}
