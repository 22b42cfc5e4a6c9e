package com.example.profiles.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The CloudEvent attributes a profile update needs, whatever transport carried the event
 * (HTTP binary or structured mode, a Kafka record, a Lambda batch).
 *
 * @param time the CloudEvent {@code time}, or null when the producer did not set it
 */
public record EventMeta(String id, String source, String type, Instant time) {

    /**
     * The idempotency key: CloudEvents promise that {@code source} + {@code id} is unique per
     * distinct event, so a re-delivery carries the same pair. Hashed so every key has the same
     * short length whatever producers put in those attributes.
     */
    public String dedupKey() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(id.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
