package com.example.profiles.intake;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Message;

import com.example.profiles.core.EventIntake;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileStoreUnavailableException;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The Kafka trigger shared by every event function. Per record:
 * <ul>
 * <li>applied or duplicate: acknowledged (its offset may be committed);</li>
 * <li>invalid: copied to the function's dead-letter topic with the reason, then acknowledged;</li>
 * <li>Redis unavailable: retried in place with capped exponential backoff, never acknowledged
 * before it is applied, so its offset is not committed and records of the partition keep their
 * order. A record stuck longer than the connector's unprocessed-record limit marks the channel
 * unhealthy;</li>
 * <li>anything else (a bug): nacked, which stops the channel (failure-strategy=fail) without
 * committing, so the record is redelivered after a restart.</li>
 * </ul>
 */
@ApplicationScoped
public class KafkaIntake {

    static final String TRIGGER = "kafka";

    private final EventIntake intake;
    private final CloudEventDecoder decoder;
    private final DeadLetterPublisher deadLetters;

    public KafkaIntake(EventIntake intake, CloudEventDecoder decoder, DeadLetterPublisher deadLetters) {
        this.intake = intake;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
    }

    /** Consumes a record holding a CloudEvent (binary or structured mode). */
    public <T> Uni<Void> consume(ProfileEventFunction<T> function, Message<byte[]> record) {
        return consume(function, record, (topic, partition, offset, headers, key, value) -> decoder.decode(function, headers, value));
    }

    /** Consumes a record in the function's own format. */
    public <T> Uni<Void> consume(ProfileEventFunction<T> function, Message<byte[]> record, RecordDecoder<T> recordDecoder) {
        IncomingKafkaRecordMetadata<?, ?> kafka = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        byte[] key = kafka.getKey() instanceof byte[] bytes ? bytes : null;
        return intake.apply(function, () -> recordDecoder.decode(kafka.getTopic(), kafka.getPartition(), kafka.getOffset(),
                kafka.getHeaders(), key, record.getPayload()), TRIGGER)
                .onFailure(ProfileStoreUnavailableException.class)
                .retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).indefinitely()
                .replaceWithVoid()
                .onFailure(InvalidEventException.class)
                .recoverWithUni(invalid -> deadLetters.publish(function.name(), deadLetters.topicFor(function), kafka,
                        record.getPayload(), (InvalidEventException) invalid))
                .chain(() -> Uni.createFrom().completionStage(record::ack))
                .onFailure().recoverWithUni(failure -> Uni.createFrom().completionStage(() -> record.nack(failure)));
    }
}
