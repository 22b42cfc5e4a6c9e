package com.example.profiles.customer;

import java.util.List;

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

    /** The HMAC key for hashed columns. Keep it secret and stable: changing it changes every hash. */
    String hashKey();

    @WithDefault("100")
    int maxColumns();

    @WithDefault("1024")
    int maxValueLength();
}
