package com.example.profiles.core;

import java.util.List;

import com.example.profiles.store.ProfileScript;

/**
 * A normalized event, ready for the store: which user, which field group ("source") it writes,
 * its event time, and the script with its own arguments (after the shared prelude's).
 */
public record ProfileUpdate(String userId, String source, long eventTimeMillis, ProfileScript script, List<String> args) {
}
