package com.example.profiles.core;

import java.util.List;

/**
 * Where one shopper's profile lives in Redis. Every key carries the user id as a hash tag
 * ({@code {userId}}), so all of a user's keys sit in one Redis Cluster slot and one Lua script can
 * update them atomically.
 */
public final class ProfileKeys {

    private ProfileKeys() {
    }

    /** The profile hash: counters, attributes and per-source freshness fields. */
    public static String profile(String userId) {
        return "profile:{" + userId + "}";
    }

    /** Sorted set of applied events' dedup keys, scored by when they were applied. */
    public static String appliedEvents(String userId) {
        return profile(userId) + ":applied";
    }

    /** Sorted set of recently purchased SKUs, scored by purchase time. */
    public static String recentSkus(String userId) {
        return profile(userId) + ":recent-skus";
    }

    /** Every key of the user, in the order the Lua scripts expect them as KEYS[1..n]. */
    public static List<String> all(String userId) {
        return List.of(profile(userId), appliedEvents(userId), recentSkus(userId));
    }
}
