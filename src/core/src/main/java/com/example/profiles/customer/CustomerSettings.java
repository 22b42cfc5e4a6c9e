package com.example.profiles.customer;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Size;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How customer rows become profile attributes; documented in the core's META-INF/microprofile-config.properties and docs/contracts.md. */
@ConfigMapping(prefix = "profiles.customer")
public interface CustomerSettings {

    /** The table whose changes this function takes. */
    @WithDefault("customers")
    String table();

    /** The column holding the shopper's user id. */
    @WithDefault("id")
    String idColumn();

    /**
     * The columns that become attributes (matched case-insensitively; the attribute takes the name
     * written here). Any other column of the table is left out, so a column added to the table
     * later does not land in Redis until it is listed.
     */
    @WithDefault("first_name,city,tier,marketing_opt_in,updated_at,credit_limit,preferences,notes,birth_date,last_login_at,"
            + "last_login_ms,contact_time,external_ref,settings,avatar,loyalty_points")
    List<String> columns();

    /**
     * Columns holding personal data: stored only as {@code <column>_hash}, a keyed hash
     * (HMAC-SHA256) of the trimmed, lower-cased value, so profiles can be joined on them without
     * holding them. Matched case-insensitively, and stored whether or not {@link #columns()} lists them.
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

    /** A change whose row has more columns than this is refused. */
    @WithDefault("100")
    int maxColumns();

    /** The longest attribute value kept, in characters (after conversion to text, before hashing). */
    @WithDefault("1024")
    int maxValueLength();

    /** What happens to a value longer than {@link #maxValueLength()}: skip it, or cut it to that length. */
    @WithDefault("skip")
    LongValues longValues();

    /**
     * The connector's {@code unavailable.value.placeholder}: the value Debezium sends for a column it
     * could not read (an unchanged TOASTed value under REPLICA IDENTITY DEFAULT). It means
     * "unchanged": the stored attribute stays.
     */
    @WithDefault("__debezium_unavailable_value")
    String unavailableValuePlaceholder();

    /**
     * For schemaless JSON ({@code schemas.enable=false}), where a value does not say its type: column
     * to the Debezium or Kafka Connect logical type it has, e.g. {@code birth_date=io.debezium.time.Date}.
     * A record's own schema wins over this.
     */
    Map<String, String> columnTypes();

    enum LongValues {
        /** The attribute is removed (a stale shorter value would be wrong), the rest of the change applies. */
        SKIP,
        /** The first max-value-length characters are stored. */
        TRUNCATE
    }
}
