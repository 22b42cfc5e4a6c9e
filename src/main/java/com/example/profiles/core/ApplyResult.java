package com.example.profiles.core;

/**
 * What applying one event did, returned to the caller (the HTTP response body, the response
 * CloudEvent's data).
 *
 * @param duplicate true when the event had been applied before and nothing changed now
 * @param profileVersion the profile's version after this event (unchanged for a duplicate)
 * @param freshnessLagMillis event time to profile written; 0 for a duplicate
 */
public record ApplyResult(String userId, String eventId, boolean duplicate, long profileVersion, long freshnessLagMillis) {
}
