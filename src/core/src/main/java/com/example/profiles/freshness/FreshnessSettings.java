package com.example.profiles.freshness;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * When profile data counts as stale and what the sweeper then does, per source; and the alert
 * thresholds. Values and their meaning are documented in the core's META-INF/microprofile-config.properties and docs/freshness.md.
 */
@ConfigMapping(prefix = "profiles.freshness")
public interface FreshnessSettings {

    /** How many shards each index and queue is split into (spread over a Redis Cluster's slots). */
    @WithDefault("16")
    int shards();

    /** The window the lag alert judges the p99 over. */
    @WithDefault("PT5M")
    Duration alertWindow();

    /** The Kafka topic alerts are raised and resolved on. */
    @WithDefault("profiles.freshness-alerts.v1")
    String alertsTopic();

    /** How often each instance adds its lag counts to Redis ({@code off} disables it). */
    @WithDefault("5s")
    String flushInterval();

    Cart cart();

    Customer customer();

    Profile profile();

    /** Per source (purchase, cart, customer): its stale age and alert thresholds. */
    Map<String, Source> sources();

    interface Cart {
        /** A cart with items untouched this long is marked abandoned. */
        @WithDefault("PT30M")
        Duration abandonAfter();

        /** An abandoned cart untouched this long is cleared. */
        @WithDefault("PT24H")
        Duration clearAfter();
    }

    interface Customer {
        /** Customer attributes older than this are queued for a batch refresh... */
        @WithDefault("PT24H")
        Duration refreshAfter();

        /** ...or older than this, for a shopper active within {@link #activeWindow()}. */
        @WithDefault("PT1H")
        Duration activeRefreshAfter();

        /** A shopper with any event this recent counts as active. */
        @WithDefault("PT1H")
        Duration activeWindow();

        /** After a refresh request, how long to wait for the refreshed row before asking again. */
        @WithDefault("PT1H")
        Duration refreshRetry();

        /** The Kafka topic refresh requests go to, for the batch job that re-reads customer rows. */
        @WithDefault("profiles.customer-refresh-requests.v1")
        String refreshTopic();
    }

    interface Profile {
        /** A profile with no event of any source for this long is deleted. */
        @WithDefault("P90D")
        Duration expireAfter();
    }

    interface Source {
        /** Data of this source older than this counts as stale (for the stale-share alert). */
        Duration staleAfter();

        /** Alert when the share of this source's profiles that are stale exceeds this (0..1). */
        @WithDefault("0.2")
        double staleShareThreshold();

        /**
         * Alert when the p99 freshness lag of the last window exceeds this. Set by the source's
         * function descriptor ({@code settings.freshnessLagP99ThresholdSeconds}), which infra/ reads
         * too; no default, so there is no second value to drift from it.
         */
        Duration lagP99Threshold();

        /** Alert when no event of this source arrived for this long. */
        Duration silentAfter();
    }
}
