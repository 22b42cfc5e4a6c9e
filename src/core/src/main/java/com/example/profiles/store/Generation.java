package com.example.profiles.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One complete set of the profile data in Redis: every profile and its side keys, and the freshness
 * indexes and due queues built from them. A rebuild writes a new generation beside the current one
 * and then switches to it (the generation package), so every key name carries its generation: the
 * first (0) has the plain names (those of every store from before generations existed), generation
 * n > 0 the prefix {@code g<n>:}. The prefix comes before the user's hash tag, so a user's keys of
 * every generation sit in one Redis Cluster slot, and one script can read them together.
 */
public record Generation(long number) {

    public static final Generation FIRST = new Generation(0);
    private static final Pattern PREFIXED = Pattern.compile("^g(\\d+):");

    public Generation {
        if (number < 0) {
            throw new IllegalArgumentException("a generation is 0 or more, not " + number);
        }
    }

    /** The key prefix: none for the first generation, {@code g<n>:} for the others. */
    public String prefix() {
        return number == 0 ? "" : "g" + number + ":";
    }

    /** A key name of this generation. */
    public String key(String name) {
        return prefix() + name;
    }

    public Generation next() {
        return new Generation(number + 1);
    }

    /** The generation a key belongs to, from its prefix. */
    public static Generation of(String key) {
        Matcher prefixed = PREFIXED.matcher(key);
        return prefixed.find() ? new Generation(Long.parseLong(prefixed.group(1))) : FIRST;
    }

    @Override
    public String toString() {
        return "generation " + number;
    }
}
