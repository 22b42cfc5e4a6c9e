package com.example.profiles.store;

import java.util.List;

/**
 * Where one shopper's profile lives in Redis. Every key carries the user id as a hash tag
 * ({@code {userId}}), so all of a user's keys sit in one Redis Cluster slot and one Lua script can
 * update them atomically. The names without a {@link Generation} are those of the first one.
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

    /** Cart operations inside the lateness window, replayed in event-time order (see cart-lib.lua). */
    public static String cartLog(String userId) {
        return profile(userId) + ":cart-log";
    }

    /**
     * After an erasure, the only trace of the user: the erasing change's time and source position,
     * so that an older event arriving later cannot bring the profile back. Expires with the dedup
     * retention window.
     */
    public static String erasure(String userId) {
        return profile(userId) + ":erased";
    }

    /**
     * The purchases of the lateness window (their script arguments, scored by event time), from which
     * an erasure that arrives after newer purchases rebuilds the purchase aggregates.
     */
    public static String purchaseJournal(String userId) {
        return profile(userId) + ":journal";
    }

    /** Every key of the user, in the order the Lua scripts expect them as KEYS[1..n]. */
    public static List<String> all(String userId) {
        return List.of(profile(userId), appliedEvents(userId), recentSkus(userId), cartLog(userId), erasure(userId), purchaseJournal(userId));
    }

    /** The profile hash of the user in {@code generation}. */
    public static String profile(Generation generation, String userId) {
        return generation.key(profile(userId));
    }

    /** Every key of the user in {@code generation}, in the scripts' order. */
    public static List<String> all(Generation generation, String userId) {
        return all(userId).stream().map(generation::key).toList();
    }
}
