package com.example.profiles.core;

/**
 * One event function: the data type of its one event, and how that data becomes a profile update.
 * Triggers (HTTP CloudEvents, Kafka, Lambda batches) hand the decoded data to {@link EventIntake},
 * which validates it, calls {@link #toUpdate} and applies the result.
 *
 * @param <T> the CloudEvent data type
 */
public interface ProfileEventFunction<T> {

    /** The function's name: its folder in {@code functions/} and its Funqy / Kafka channel name. */
    String name();

    Class<T> dataType();

    /**
     * Normalizes valid data (times to UTC epoch milliseconds, money to base minor units) into the
     * update script's arguments. Throws {@link InvalidEventException} for what bean validation
     * cannot see (an unknown exchange rate, a time too far in the future).
     */
    ProfileUpdate toUpdate(T data, EventMeta meta);

    /**
     * Whether an event without data is a normal, ignorable message (a Debezium tombstone follows
     * every delete) rather than an invalid one.
     */
    default boolean ignoresEmptyEvents() {
        return false;
    }
}
