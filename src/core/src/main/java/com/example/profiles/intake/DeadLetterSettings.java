package com.example.profiles.intake;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import jakarta.validation.constraints.Min;

/**
 * Bounds of a dead letter (see {@link DeadLetterPublisher}): whatever a record holds or an exception
 * says, its dead letter must fit the producer's {@code max.request.size} and the dead-letter topic's
 * {@code max.message.bytes} (both about 1 MB by default), or it could not be set aside at all.
 */
@ConfigMapping(prefix = "profiles.dead-letter")
public interface DeadLetterSettings {

    /** The longest {@code dead-letter-reason}, and the longest message of one violation, in characters. */
    @WithDefault("500")
    @Min(40)
    int maxReasonChars();

    /** How many violations {@code dead-letter-violations} lists; a last entry counts the rest. */
    @WithDefault("20")
    @Min(1)
    int maxViolations();

    /**
     * The largest dead letter (key, value, headers and framing), in bytes: keep it below the
     * dead-letter producer's {@code max.request.size} and the topic's {@code max.message.bytes}. A
     * record that would be larger is sent without its value and original headers.
     */
    @WithDefault("1000000")
    @Min(65536)
    int maxRecordBytes();
}
