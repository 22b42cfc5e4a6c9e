package com.example.profiles.core;

import java.util.List;

/**
 * A well-formed event the profile cannot take: applying it would take one of the profile's running
 * totals past its bound ({@link ProfileLimits}). Like any invalid event it is never retried (HTTP
 * 422, a dead letter on Kafka and Lambda), and nothing was written.
 */
public class ProfileLimitExceededException extends InvalidEventException {

    public ProfileLimitExceededException(Violation violation) {
        super(List.of(violation));
    }
}
