package com.example.profiles.kafka;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.example.profiles.core.EventIntake;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.ProfileStoreUnavailableException;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.IndexBatch;
import com.example.profiles.intake.CloudEventDecoder;
import com.example.profiles.intake.DeadLetterPublisher;
import com.example.profiles.intake.RecordDecoder;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The Kafka trigger shared by every event function. It takes the records of one poll as a batch
 * and applies them concurrently (at most {@code profiles.kafka.concurrency} at a time): the update
 * scripts are idempotent and order-independent per user (dedup plus event-time ordering), so the
 * order inside a batch does not change the profiles, and the Redis commands of the batch are
 * pipelined instead of waiting for each other. Per record:
 * <ul>
 * <li>applied or duplicate: done;</li>
 * <li>invalid: copied to the function's dead-letter topic with the reason (done once the broker
 * has the copy);</li>
 * <li>Redis unavailable: retried in place with capped exponential backoff until applied;</li>
 * <li>anything else (a bug): the batch is nacked, which stops the channel (failure-strategy=fail)
 * without committing, so its records are redelivered after a restart.</li>
 * </ul>
 * The freshness-index updates of the batch are gathered and sent once, after its scripts
 * ({@link IndexBatch}). The batch is acknowledged only when every one of its records is done and
 * the index updates are written, so no offset is committed
 * for a record that was not applied or dead-lettered: while Redis is down the batch waits, and a
 * record stuck longer than the connector's unprocessed-record limit marks the channel unhealthy.
 */
@ApplicationScoped
public class KafkaIntake {

    static final String TRIGGER = "kafka";
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    private final EventIntake intake;
    private final CloudEventDecoder decoder;
    private final DeadLetterPublisher deadLetters;
    private final int concurrency;
    private final FreshnessIndex freshness;

    public KafkaIntake(EventIntake intake, CloudEventDecoder decoder, DeadLetterPublisher deadLetters, ProfileSettings settings,
            FreshnessIndex freshness) {
        this.freshness = freshness;
        this.intake = intake;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.concurrency = settings.kafka().concurrency();
    }

    /** Consumes a batch of records holding CloudEvents (binary or structured mode). */
    public <T> Uni<Void> consume(ProfileEventFunction<T> function, KafkaRecordBatch<byte[], byte[]> batch) {
        return consume(function, batch, (topic, partition, offset, headers, key, value) -> decoder.decode(function, headers, value));
    }

    /** Consumes a batch of records in the function's own format. */
    public <T> Uni<Void> consume(ProfileEventFunction<T> function, KafkaRecordBatch<byte[], byte[]> batch, RecordDecoder<T> recordDecoder) {
        List<KafkaRecord<byte[], byte[]>> records = batch.getRecords();
        IndexBatch index = new IndexBatch();
        Uni<Void> all;
        if (records.size() == 1) {
            all = applyOne(function, records.get(0), recordDecoder, index);
        } else {
            all = Multi.createFrom().iterable(records)
                    .onItem().transformToUni(record -> applyOne(function, record, recordDecoder, index)).merge(concurrency)
                    .collect().last().replaceWithVoid();
        }
        return all.chain(() -> Backoff.untilDone(() -> freshness.flush(index), ProfileStoreUnavailableException.class, FIRST_RETRY, LAST_RETRY))
                .chain(() -> Uni.createFrom().completionStage(batch::ack))
                .onFailure().recoverWithUni(failure -> Uni.createFrom().completionStage(() -> batch.nack(failure)));
    }

    /** Applies (or dead-letters) one record; completes when it is done, fails only on a bug. */
    private <T> Uni<Void> applyOne(ProfileEventFunction<T> function, KafkaRecord<byte[], byte[]> record, RecordDecoder<T> recordDecoder,
            IndexBatch index) {
        IncomingKafkaRecordMetadata<?, ?> kafka = metadata(record);
        byte[] key = record.getKey();
        return Backoff.untilDone(() -> intake.apply(function, () -> recordDecoder.decode(kafka.getTopic(), kafka.getPartition(),
                kafka.getOffset(), record.getHeaders(), key, record.getPayload()), TRIGGER, index),
                ProfileStoreUnavailableException.class, FIRST_RETRY, LAST_RETRY)
                .replaceWithVoid()
                .onFailure(InvalidEventException.class)
                .recoverWithUni(invalid -> deadLetters.publish(function.name(), deadLetters.topicFor(function), kafka,
                        record.getPayload(), (InvalidEventException) invalid));
    }

    private static IncomingKafkaRecordMetadata<?, ?> metadata(KafkaRecord<byte[], byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow(() -> new IllegalStateException("not a Kafka record"));
    }
}
