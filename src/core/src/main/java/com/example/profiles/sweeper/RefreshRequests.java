package com.example.profiles.sweeper;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import com.example.profiles.freshness.FreshnessSettings;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Asks the batch side to re-read a customer's row: one structured CloudEvent
 * ({@code com.example.profiles.customer.refresh.requested.v1}) per user on the refresh topic. Its
 * id is the user and the time of the attributes to refresh, so a request sent twice (a sweep that
 * died between sending and marking) is recognisably the same request.
 */
@ApplicationScoped
public class RefreshRequests {

    public static final String TYPE = "com.example.profiles.customer.refresh.requested.v1";

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;
    private final FreshnessSettings settings;

    public RefreshRequests(@Channel("customer-refresh-requests") MutinyEmitter<byte[]> emitter, ObjectMapper mapper, FreshnessSettings settings) {
        this.emitter = emitter;
        this.mapper = mapper;
        this.settings = settings;
    }

    /**
     * Sends the request and waits for the broker's acknowledgement. A broker hiccup is retried here
     * (three times, from 200 ms) rather than failing the whole sweep; the profile is marked only
     * after this returns.
     */
    public void publish(String userId, long attributesTime) {
        CloudEvent event = SweeperEvents.event(mapper, userId + ":" + attributesTime, TYPE, Instant.now(),
                Map.of("userId", userId, "attributesAt", attributesTime)).build();
        emitter.sendMessage(SweeperEvents.structured(event, settings.customer().refreshTopic(), userId))
                .onFailure().retry().withBackOff(Duration.ofMillis(200)).atMost(3).await().indefinitely();
    }
}
