package com.example.profiles.store;

import java.time.Duration;

/**
 * Redis did not answer before the call's {@link Deadline}: it is paused, overloaded, or the network
 * is gone. Retryable like any unavailability (HTTP answers 503, Kafka retries in place). Unlike a
 * refused connection, the command may have reached Redis and may still run after we stopped
 * waiting: the retry is then a harmless duplicate, because each update script records the event
 * id in the same atomic step as the change, and the index updates are {@code ZADD GT}.
 */
public class ProfileStoreTimeoutException extends ProfileStoreUnavailableException {

    public ProfileStoreTimeoutException(String command, Duration waited) {
        super("Redis did not answer " + command + " within " + waited.toMillis() + " ms", null);
    }
}
