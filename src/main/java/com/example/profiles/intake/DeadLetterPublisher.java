package com.example.profiles.intake;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.example.profiles.core.InvalidEventException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends a record we refuse to a dead-letter topic, byte for byte with its original key and headers
 * (so it can be replayed once fixed), plus headers saying why and where it came from:
 * {@code dead-letter-reason} (one line), {@code dead-letter-violations} (JSON list),
 * {@code dead-letter-function}, {@code dead-letter-topic}, {@code dead-letter-partition},
 * {@code dead-letter-offset}. The returned Uni completes when the broker has the copy, so the
 * original is acknowledged only after that: an invalid record is never lost.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;

    public DeadLetterPublisher(@Channel("dead-letter") MutinyEmitter<byte[]> emitter, ObjectMapper mapper) {
        this.emitter = emitter;
        this.mapper = mapper;
    }

    public Uni<Void> publish(String function, String deadLetterTopic, IncomingKafkaRecordMetadata<?, ?> source, byte[] value,
            InvalidEventException why) {
        Headers headers = new RecordHeaders(source.getHeaders().toArray());
        header(headers, "dead-letter-reason", why.getMessage());
        header(headers, "dead-letter-violations", violationsJson(why));
        header(headers, "dead-letter-function", function);
        header(headers, "dead-letter-topic", source.getTopic());
        header(headers, "dead-letter-partition", Integer.toString(source.getPartition()));
        header(headers, "dead-letter-offset", Long.toString(source.getOffset()));
        OutgoingKafkaRecordMetadata<Object> metadata = OutgoingKafkaRecordMetadata.builder()
                .withTopic(deadLetterTopic)
                .withKey(source.getKey())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(value == null ? new byte[0] : value).addMetadata(metadata));
    }

    private String violationsJson(InvalidEventException why) {
        try {
            return mapper.writeValueAsString(why.violations());
        } catch (JsonProcessingException e) {
            return "[]";
        }
    }

    private static void header(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
