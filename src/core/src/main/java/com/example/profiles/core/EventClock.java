package com.example.profiles.core;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

/** Decides an event's time: the data's own time, else the CloudEvent {@code time}; never far in the future. */
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
        Instant latest = clock.instant().plus(settings.maxFutureSkew());
        if (time.isAfter(latest)) {
            throw new InvalidEventException(occurredAt != null ? "occurredAt" : "time",
                    "lies more than " + settings.maxFutureSkew() + " in the future (" + time + ")");
        }
        return time.toEpochMilli();
    }
}
