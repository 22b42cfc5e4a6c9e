package com.example.profiles.sweeper;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The CloudEvents the sweeper publishes (refresh requests, freshness alerts), built and written by
 * the CloudEvents SDK the intake reads with: structured content mode on Kafka (the whole event as
 * JSON, {@code content-type: application/cloudevents+json}), so a consumer needs no binding to
 * read it.
 */
final class SweeperEvents {

    static final URI SOURCE = URI.create("/profiles/sweeper");
    /** Made here rather than found by ServiceLoader, which a Quarkus native image leaves out. */
    private static final JsonFormat FORMAT = new JsonFormat();

    private SweeperEvents() {
    }

    /** A CloudEvent of the sweeper with JSON data. */
    static CloudEventBuilder event(ObjectMapper mapper, String id, String type, Instant time, Object data) {
        try {
            return CloudEventBuilder.v1()
                    .withId(id)
                    .withSource(SOURCE)
                    .withType(type)
                    .withTime(time.atOffset(ZoneOffset.UTC))
                    .withData("application/json", mapper.writeValueAsBytes(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the sweeper's event data is plain values and cannot fail to serialize", e);
        }
    }

    /** The event as a structured-mode Kafka message on {@code topic}, keyed by {@code key}. */
    static Message<byte[]> structured(CloudEvent event, String topic, String key) {
        ProducerRecord<byte[], byte[]> record = KafkaMessageFactory.createWriter(topic, key.getBytes(StandardCharsets.UTF_8))
                .writeStructured(event, FORMAT);
        return Message.of(record.value()).addMetadata(OutgoingKafkaRecordMetadata.builder()
                .withTopic(topic)
                .withKey(record.key())
                .withHeaders(record.headers())
                .build());
    }
}
