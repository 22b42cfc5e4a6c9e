package com.example.profiles.sweeper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.example.profiles.freshness.FreshnessSettings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

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
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", userId + ":" + attributesTime);
        event.put("source", "/profiles/sweeper");
        event.put("type", TYPE);
        event.put("time", Instant.now().toString());
        event.put("datacontenttype", "application/json");
        event.put("data", Map.of("userId", userId, "attributesAt", attributesTime));
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        emitter.sendMessage(Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.builder()
                .withTopic(settings.customer().refreshTopic())
                .withKey(userId.getBytes(StandardCharsets.UTF_8))
                .withHeaders(headers)
                .build())).onFailure().retry().withBackOff(Duration.ofMillis(200)).atMost(3).await().indefinitely();
    }
}
