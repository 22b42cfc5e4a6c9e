package com.example.profiles.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings shared by every function; see application.properties for the documented values. */
@ConfigMapping(prefix = "profiles")
public interface ProfileSettings {

    /** ISO-4217 code every amount is converted to before it is stored. */
    @WithDefault("EUR")
    String baseCurrency();

    /**
     * How many units of the base currency one unit of each other currency is worth. A currency
     * absent here (and not the base) is refused: we never guess a rate.
     */
    Map<String, BigDecimal> currencyRates();

    /** How far in the future an event time may lie (producer clock skew) before it is refused. */
    @WithDefault("PT5M")
    Duration maxFutureSkew();

    /**
     * The earliest event time taken: an older time is refused, never coerced. With the future
     * bound ({@link #maxFutureSkew}) it makes the window every event time (the data's, the
     * CloudEvent {@code time}, a Debezium commit time) must lie in, so event times, lateness and
     * the freshness lag stay plausible numbers.
     */
    @WithDefault("2000-01-01T00:00:00Z")
    Instant earliestEventTime();

    /** How long an applied event's id is remembered, i.e. the window in which re-deliveries are recognised. */
    @WithDefault("P7D")
    Duration dedupRetention();

    /**
     * How far behind the newest event of a source an event may arrive and still be placed in
     * event-time order (the cart replays operations inside this window). Later events are applied
     * where that is safe (additive purchase aggregates), skipped otherwise, and counted as late.
     */
    @WithDefault("PT10M")
    Duration lateness();

    /** The largest event payload, in bytes, any trigger accepts. */
    @WithDefault("65536")
    int maxPayloadBytes();

    Purchase purchase();

    Limits limits();

    /**
     * The bounds that keep every amount, quantity and sum a profile holds exact: Redis adds with
     * signed 64-bit integers ({@code HINCRBY}), Lua computes with doubles (exact to 2^53), and the
     * cart's lines pass through Redis's cjson, which writes numbers with 14 significant digits.
     * An event over a bound is refused (HTTP 400 or 422, a dead letter on Kafka) and writes nothing.
     * Money is in minor units of the base currency, after conversion.
     */
    interface Limits {
        /**
         * The most one amount may be worth: a unit price, a line (quantity × unit price), an order
         * total. At most 14 digits, so a price survives cjson exactly. Default 10^13 minor units
         * (100,000,000,000.00 EUR).
         */
        @WithDefault("10000000000000")
        @Positive
        @Max(99_999_999_999_999L)
        long maxAmountMinor();

        /**
         * The most a profile's running totals may reach: lifetime spend, a category's spend, a
         * cart's value, and the counts (purchases, units per category, units in the cart). Checked
         * inside the update script with the profile's own totals, before anything is written.
         * At most 2^53, so Lua adds exactly. Default 10^15.
         */
        @WithDefault("1000000000000000")
        @Positive
        @Max(9_007_199_254_740_992L)
        long maxProfileTotal();
    }

    Kafka kafka();

    interface Kafka {
        /** How many records of one poll (batch) a function applies at the same time. */
        @WithDefault("256")
        int concurrency();

        /**
         * Whether the Knative application's own Kafka consumers run (its KafkaChannelConfigSource
         * turns this into every channel's {@code enabled}). Off on Knative, where the Broker's
         * Triggers and the KafkaSources deliver the same records over HTTP.
         */
        @WithName("consumers.enabled")
        @WithDefault("true")
        boolean consumersEnabled();

        /** How a record that cannot be applied now (Redis unavailable or late) is retried in place. */
        Retry retry();

        /**
         * The deadline of one attempt at a record's Redis work (its script, and a batch's index
         * updates). Longer than {@code profiles.store.timeout}: nobody waits for the answer, so it
         * only has to end the wait on a store that hangs, and a batch that is merely slow (a cold
         * JVM, a loaded machine, hundreds of scripts pipelined) should not be tried again.
         */
        @WithDefault("PT5S")
        Duration storeTimeout();

        /**
         * At shutdown, how long the batches in flight may take to finish before their records are left,
         * uncommitted, to the partitions' next owner.
         */
        @WithDefault("PT3S")
        Duration drainTimeout();

        /**
         * The consumer group session timeout: how long the broker waits for a consumer that stopped
         * heartbeating (a killed instance) before giving its partitions to another member. Kafka's
         * default is 45 s; a replaced instance then waits that long before it consumes.
         */
        @WithDefault("PT10S")
        Duration sessionTimeout();

        /** How often a consumer heartbeats; at most a third of the session timeout. */
        @WithDefault("PT3S")
        Duration heartbeatInterval();

        /**
         * Static group membership: a stable identity of this instance (a StatefulSet pod name, say).
         * When set, each function's consumer joins as {@code <id>-<function>}, and an instance that
         * comes back under the same identity takes its partitions over at once, without waiting for
         * the session timeout or a rebalance. Unset (the default): dynamic membership.
         */
        java.util.Optional<String> groupInstanceId();

        /**
         * How every Kafka client authenticates: none, iam, scram or mtls. Read at start by
         * {@code KafkaSecurityConfigSourceFactory}, which turns it into {@code kafka.*} settings
         * ({@code KafkaClientSecurity}); declared here so the settings are known and documented.
         */
        @WithDefault("none")
        String auth();

        Scram scram();

        Tls tls();

        interface Scram {
            java.util.Optional<String> username();

            java.util.Optional<String> password();

            /** SCRAM-SHA-512 (what Amazon MSK offers) unless set. */
            java.util.Optional<String> mechanism();
        }

        interface Tls {
            /** PEM certificate chain of the client certificate (mtls). */
            java.util.Optional<String> certificate();

            /** PEM private key, PKCS#8 (mtls). */
            java.util.Optional<String> privateKey();

            java.util.Optional<String> privateKeyPassword();
        }
    }

    interface Retry {
        /** The first delay; each further failure doubles it, up to {@link #maxDelay()}. */
        @WithDefault("PT0.1S")
        Duration firstDelay();

        @WithDefault("PT5S")
        Duration maxDelay();
    }

    /**
     * Per function, filled from {@code functions/<name>/function.json} by
     * {@code FunctionDescriptorConfigSource}: its one event type and Kafka topics.
     */
    Map<String, Function> functions();

    interface Function {
        String eventType();

        java.util.Optional<String> topic();

        java.util.Optional<String> deadLetterTopic();
    }

    interface Purchase {
        /** The most line items one order may carry. */
        @WithDefault("100")
        int maxItems();

        /** How many recently purchased SKUs a profile keeps. */
        @WithDefault("20")
        int recentSkus();
    }
}
