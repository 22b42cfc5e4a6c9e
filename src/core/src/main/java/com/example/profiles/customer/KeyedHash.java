package com.example.profiles.customer;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * HMAC-SHA256 of personal data (e-mail addresses), so the profile can match a shopper by e-mail
 * without storing it. A plain hash would not do: e-mail addresses are guessable, so anyone with
 * the store could hash candidates and compare; without the key they cannot.
 */
@ApplicationScoped
public class KeyedHash {

    private final SecretKeySpec key;

    public KeyedHash(CustomerSettings settings) {
        if (settings.hashKey().length() < 16) {
            throw new IllegalStateException("profiles.customer.hash-key must be at least 16 characters");
        }
        this.key = new SecretKeySpec(settings.hashKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The hash of a value after trimming and lower-casing it (e-mail addresses are case-insensitive in practice). */
    public String of(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(value.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
