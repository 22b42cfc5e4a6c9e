package com.example.profiles.customer;

import java.util.List;

import jakarta.validation.constraints.Size;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How customer rows become profile attributes. */
@ConfigMapping(prefix = "profiles.customer")
public interface CustomerSettings {

    /** The table whose changes this function takes. */
    @WithDefault("customers")
    String table();

    /** The column holding the shopper's user id. */
    @WithDefault("id")
    String idColumn();

    /**
     * Columns holding personal data: stored only as {@code <column>_hash}, a keyed hash
     * (HMAC-SHA256) of the trimmed, lower-cased value, so profiles can be joined on them without
     * holding them.
     */
    @WithDefault("email")
    List<String> hashedColumns();

    /**
     * The HMAC key for hashed columns ({@code PROFILE_HASH_KEY}). Keep it secret and stable: changing
     * it changes every hash. At least {@value #MIN_HASH_KEY_CHARS} characters (HMAC-SHA256 wants a
     * key as long as its 32-byte output), checked at start: a shorter key stops the application
     * there, with one line naming the setting, rather than failing the first customer change.
     */
    @Size(min = MIN_HASH_KEY_CHARS, message = "must be at least " + MIN_HASH_KEY_CHARS
            + " characters (set PROFILE_HASH_KEY, e.g. to the output of: openssl rand -hex 32)")
    String hashKey();

    int MIN_HASH_KEY_CHARS = 32;

    @WithDefault("100")
    int maxColumns();

    @WithDefault("1024")
    int maxValueLength();
}
