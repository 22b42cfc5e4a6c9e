package com.example.profiles.core;

import java.util.List;

import com.example.profiles.store.ProfileScript;

/**
 * A normalized event, ready for the store: which user, which field group ("source") it writes,
 * its event time, and the script with its own arguments (after the shared prelude's). An erasure
 * (a customer delete) also carries its log position, which the erasure ledger keeps.
 */
public record ProfileUpdate(String userId, String source, long eventTimeMillis, ProfileScript script, List<String> args, String erasurePosition) {

    public ProfileUpdate(String userId, String source, long eventTimeMillis, ProfileScript script, List<String> args) {
        this(userId, source, eventTimeMillis, script, args, null);
    }
}
