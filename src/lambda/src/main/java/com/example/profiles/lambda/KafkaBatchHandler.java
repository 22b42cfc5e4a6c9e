package com.example.profiles.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

import com.example.profiles.core.EventIntake;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.intake.CloudEventDecoder;
import com.example.profiles.intake.DeadLetterPublisher;
import com.example.profiles.intake.DeadLetterPublisher.SourceRecord;
import com.example.profiles.intake.RecordDecoder;
import com.example.profiles.lambda.KafkaBatch.KafkaBatchRecord;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Applies a batch from an Amazon MSK or self-managed Kafka event source mapping, record by record,
 * with the same decoders and the same {@link EventIntake} as the Kafka consumer:
 * <ul>
 * <li>applied, duplicate, stale, ignored, erased: done;</li>
 * <li>invalid: copied to the function's dead-letter topic with the reason, and done: an invalid
 * record never fails the batch;</li>
 * <li>anything else (Redis unavailable, the dead-letter copy not acknowledged, a bug): failed, to be
 * delivered again. The later records of its partition are not tried (deferred), so a partition's
 * records are always applied in order; they are reported as failures too.</li>
 * </ul>
 * Partitions are independent and run concurrently; within one, records run one after the other.
 *
 * <p>The failures go back to the event source mapping as a partial batch response
 * ({@code ReportBatchItemFailures}), so only they are retried. With
 * {@code profiles.lambda.report-batch-item-failures=false}, for a mapping that does not have that
 * response type turned on (it would take any answer as success), the invocation fails instead and
 * the whole batch is retried; records already applied then come back as duplicates.
 */
@ApplicationScoped
public class KafkaBatchHandler {

    static final String TRIGGER = "lambda";
    private static final Logger LOG = Logger.getLogger(KafkaBatchHandler.class);

    private final EventIntake intake;
    private final CloudEventDecoder cloudEventDecoder;
    private final DeadLetterPublisher deadLetters;
    private final EmbeddedMetricsWriter metrics;
    private final boolean reportItemFailures;
    private final Duration deadLetterTimeout;

    public KafkaBatchHandler(EventIntake intake, CloudEventDecoder cloudEventDecoder, DeadLetterPublisher deadLetters,
            EmbeddedMetricsWriter metrics, LambdaSettings settings) {
        this.intake = intake;
        this.cloudEventDecoder = cloudEventDecoder;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.reportItemFailures = settings.reportBatchItemFailures();
        this.deadLetterTimeout = settings.deadLetterTimeout();
    }

    /** A batch of CloudEvents (binary mode with {@code ce_*} headers, or structured). */
    public <T> Uni<KafkaBatchResponse> cloudEvents(ProfileEventFunction<T> function, KafkaBatch batch) {
        return handle(function, (topic, partition, offset, headers, key, value) -> cloudEventDecoder.decode(function, headers, value), batch);
    }

    /** A batch of records in the function's own format (e.g. plain Debezium JSON). */
    public <T> Uni<KafkaBatchResponse> handle(ProfileEventFunction<T> function, RecordDecoder<T> decoder, KafkaBatch batch) {
        return Uni.createFrom().deferred(() -> {
            Map<String, List<KafkaBatchRecord>> partitions = batch.byPartition();
            String deadLetterTopic = deadLetters.topicFor(function);
            List<Uni<List<RecordResult>>> work = new ArrayList<>();
            partitions.values().forEach(records -> work.add(partition(function, decoder, deadLetterTopic, records)));
            Uni<List<List<RecordResult>>> all = work.isEmpty() ? Uni.createFrom().item(List.of()) : Uni.join().all(work).andFailFast();
            return all.map(perPartition -> finish(function, batch, perPartition));
        });
    }

    private <T> Uni<List<RecordResult>> partition(ProfileEventFunction<T> function, RecordDecoder<T> decoder, String deadLetterTopic,
            List<KafkaBatchRecord> records) {
        AtomicBoolean stopped = new AtomicBoolean();
        return Multi.createFrom().iterable(records)
                .onItem().transformToUniAndConcatenate(record -> {
                    if (stopped.get()) {
                        return Uni.createFrom().item(RecordResult.of(record.topicPartition(), record.offset(), RecordOutcome.DEFERRED));
                    }
                    return apply(function, decoder, deadLetterTopic, record).invoke(result -> {
                        if (result.outcome().retried()) {
                            stopped.set(true);
                        }
                    });
                })
                .collect().asList();
    }

    private <T> Uni<RecordResult> apply(ProfileEventFunction<T> function, RecordDecoder<T> decoder, String deadLetterTopic,
            KafkaBatchRecord record) {
        String topicPartition = record.topicPartition();
        long offset = record.offset();
        return Uni.createFrom().deferred(() -> {
            Headers headers = record.kafkaHeaders();
            byte[] key = decodeOrNull(record.key(), record::keyBytes);
            byte[] value = decodeOrNull(record.value(), record::valueBytes);
            // What reaches the dead-letter topic: the record's bytes, or, if AWS sent something that
            // is not base64 (never expected), the text as it came, so nothing is lost either way.
            byte[] deadLetterValue = value != null || record.value() == null ? value : record.value().getBytes(StandardCharsets.UTF_8);
            SourceRecord source = new SourceRecord(record.topic(), record.partition(), offset, key, headers);
            return intake.apply(function, () -> {
                if (value == null && record.value() != null) {
                    throw new InvalidEventException("event", "the record's value is not base64 as the event source mapping sends it");
                }
                return decoder.decode(record.topic(), record.partition(), offset, headers, key, value);
            }, TRIGGER)
                    .map(result -> RecordResult.of(topicPartition, offset, result))
                    .onFailure(InvalidEventException.class).recoverWithUni(invalid -> deadLetters
                            .publish(function.name(), deadLetterTopic, source, deadLetterValue, (InvalidEventException) invalid)
                            .ifNoItem().after(deadLetterTimeout).fail()
                            .replaceWith(RecordResult.of(topicPartition, offset, RecordOutcome.INVALID)));
        }).onFailure().recoverWithItem(failure -> RecordResult.failed(topicPartition, offset, failure));
    }

    private static byte[] decodeOrNull(String base64, Supplier<byte[]> decode) {
        if (base64 == null) {
            return null;
        }
        try {
            return decode.get();
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private KafkaBatchResponse finish(ProfileEventFunction<?> function, KafkaBatch batch, List<List<RecordResult>> perPartition) {
        List<RecordResult> results = new ArrayList<>();
        perPartition.forEach(results::addAll);
        // Every event function writes the profile source named after it (ProfileUpdate.source).
        metrics.write(InvocationSummary.of(function.name(), function.name(), batch.eventSource(), results));

        List<KafkaBatchResponse.ItemFailure> failures = new ArrayList<>();
        for (List<RecordResult> partition : perPartition) {
            RecordResult first = null;
            for (RecordResult result : partition) {
                if (result.outcome().retried()) {
                    first = first == null ? result : first;
                    failures.add(new KafkaBatchResponse.ItemFailure(
                            new KafkaBatchResponse.ItemIdentifier(result.topicPartition(), result.offset())));
                }
            }
            if (first != null) {
                LOG.warnf("%s: %s from offset %d (%d records) to be delivered again: %s", function.name(), first.topicPartition(),
                        first.offset(), partition.stream().filter(r -> r.outcome().retried()).count(),
                        first.failure() == null ? "unknown" : first.failure().getMessage());
            }
        }
        if (failures.isEmpty()) {
            return KafkaBatchResponse.SUCCESS;
        }
        if (!reportItemFailures) {
            throw new BatchRetryException(function.name(), failures.size(), results.size());
        }
        return new KafkaBatchResponse(failures);
    }

    /**
     * Fails the invocation so the event source mapping retries the whole batch; used when the
     * mapping does not take partial batch responses.
     */
    public static class BatchRetryException extends RuntimeException {
        BatchRetryException(String function, int failed, int total) {
            super(function + ": " + failed + " of " + total + " records could not be applied now; failing the invocation so the whole batch"
                    + " is delivered again (records already applied will be duplicates)");
        }
    }
}
