package com.example.profiles.ordering;

import java.util.Map;

import com.example.profiles.core.EventMeta;

/**
 * One event of a generated stream: for purchase and cart a CloudEvent (id, source, data); for the
 * customer function a Debezium change (data is the envelope, id and source unused).
 *
 * @param function purchase, cart or customer
 * @param time the event time in epoch milliseconds (unique per user)
 * @param data the event data as JSON-ready maps and lists
 */
record GeneratedEvent(String function, String userId, long time, String id, String source, Map<String, Object> data) {

    String dedupKey() {
        return new EventMeta(id, source, null, null).dedupKey();
    }
}
