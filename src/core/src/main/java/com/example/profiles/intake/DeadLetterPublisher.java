package com.example.profiles.intake;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileSettings;
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
 * Used by the Kafka consumer ({@link KafkaIntake}) and by the Lambda MSK batch handler, which has
 * the record's coordinates but no SmallRye Kafka metadata ({@link SourceRecord}).
 */
@ApplicationScoped
public class DeadLetterPublisher {

    /**
     * Where a refused record came from.
     *
     * @param key the record's key as it was (byte[] for our consumers), or null
     * @param headers the record's headers, copied to the dead letter; null for none
     */
    public record SourceRecord(String topic, int partition, long offset, Object key, Headers headers) {
    }

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;
    private final ProfileSettings settings;

    public DeadLetterPublisher(@Channel("dead-letter") MutinyEmitter<byte[]> emitter, ObjectMapper mapper, ProfileSettings settings) {
        this.emitter = emitter;
        this.mapper = mapper;
        this.settings = settings;
    }

    /** The function's dead-letter topic: its descriptor's {@code deadLetterTopic}, else {@code <topic>.dlq}. */
    public String topicFor(ProfileEventFunction<?> function) {
        ProfileSettings.Function config = settings.functions().get(function.name());
        return config.deadLetterTopic().orElseGet(() -> config.topic().orElse(function.name()) + ".dlq");
    }

    public Uni<Void> publish(String function, String deadLetterTopic, IncomingKafkaRecordMetadata<?, ?> source, byte[] value,
            InvalidEventException why) {
        return publish(function, deadLetterTopic,
                new SourceRecord(source.getTopic(), source.getPartition(), source.getOffset(), source.getKey(), source.getHeaders()),
                value, why);
    }

    public Uni<Void> publish(String function, String deadLetterTopic, SourceRecord source, byte[] value, InvalidEventException why) {
        Headers headers = source.headers() == null ? new RecordHeaders() : new RecordHeaders(source.headers().toArray());
        header(headers, "dead-letter-reason", why.getMessage());
        header(headers, "dead-letter-violations", violationsJson(why));
        header(headers, "dead-letter-function", function);
        header(headers, "dead-letter-topic", source.topic());
        header(headers, "dead-letter-partition", Integer.toString(source.partition()));
        header(headers, "dead-letter-offset", Long.toString(source.offset()));
        OutgoingKafkaRecordMetadata<Object> metadata = OutgoingKafkaRecordMetadata.builder()
                .withTopic(deadLetterTopic)
                .withKey(source.key())
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
