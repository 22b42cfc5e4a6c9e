package com.example.profiles.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

import com.example.profiles.core.ApplyResult;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.EventValidation;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.freshness.LagWindows;
import com.example.profiles.intake.CloudEventDecoder;
import com.example.profiles.intake.DeadLetterPublisher;
import com.example.profiles.intake.DeadLetterPublisher.SourceRecord;
import com.example.profiles.intake.RecordDecoder;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent.KafkaEventRecord;

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
 * <p>The invocation's {@link InvocationDeadline} bounds all of it: a record not started by then is
 * deferred, one still running then (a Redis that hangs, a dead-letter copy not acknowledged) is
 * cut off and failed, so the function answers, naming them, before Lambda's timeout. Then the lag
 * counts the records added are flushed to Redis ({@link LagWindows#flush()}, within the same
 * deadline): nothing may wait for a timer in a Lambda, which is frozen between invocations.
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
    private final LagWindows lagWindows;
    private final EventValidation validation;
    private final boolean reportItemFailures;
    private final Duration deadLetterTimeout;

    public KafkaBatchHandler(EventIntake intake, CloudEventDecoder cloudEventDecoder, DeadLetterPublisher deadLetters,
            EmbeddedMetricsWriter metrics, LagWindows lagWindows, EventValidation validation, LambdaSettings settings) {
        this.intake = intake;
        this.cloudEventDecoder = cloudEventDecoder;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.lagWindows = lagWindows;
        this.validation = validation;
        this.reportItemFailures = settings.reportBatchItemFailures();
        this.deadLetterTimeout = settings.deadLetterTimeout();
    }

    /** A batch of CloudEvents (binary mode with {@code ce_*} headers, or structured). */
    public <T> Uni<KafkaBatchResponse> cloudEvents(ProfileEventFunction<T> function, KafkaEvent batch, InvocationDeadline deadline) {
        return handle(function, (topic, partition, offset, headers, key, value) -> cloudEventDecoder.decode(function, headers, value), batch,
                deadline);
    }

    <T> EventIntake.Decoded<T> decodeCloudEvent(ProfileEventFunction<T> function, Headers headers, byte[] value) {
        return cloudEventDecoder.decode(function, headers, value);
    }

    /** A batch of records in the function's own format (e.g. plain Debezium JSON). */
    public <T> Uni<KafkaBatchResponse> handle(ProfileEventFunction<T> function, RecordDecoder<T> decoder, KafkaEvent batch,
            InvocationDeadline deadline) {
        return Uni.createFrom().deferred(() -> {
            Map<String, List<KafkaEventRecord>> partitions = KafkaEventRecords.byPartition(batch);
            String deadLetterTopic = deadLetters.topicFor(function);
            List<Uni<List<RecordResult>>> work = new ArrayList<>();
            partitions.values().forEach(records -> work.add(partition(function, decoder, deadLetterTopic, records, deadline)));
            Uni<List<List<RecordResult>>> all = work.isEmpty() ? Uni.createFrom().item(List.of()) : Uni.join().all(work).andFailFast();
            return all.call(ignored -> flushLagCounts(function, deadline)).map(perPartition -> finish(function, batch, perPartition, deadline));
        });
    }

    /**
     * What the long-running runtime adds to Redis every few seconds, now, before answering. A flush
     * that does not make the deadline drops its counts (LagWindows logs it): a lag alert then sees
     * fewer events, which is better than a batch retried for its metrics.
     */
    private Uni<Void> flushLagCounts(ProfileEventFunction<?> function, InvocationDeadline deadline) {
        return Uni.createFrom().deferred(() -> {
            if (deadline.passed()) {
                // flush() takes the counts out as it is called: leave them for the next invocation.
                LOG.warnf("%s: no time left to flush the lag counts; they go with the next invocation", function.name());
                return Uni.createFrom().voidItem();
            }
            return deadline.bound(lagWindows.flush(), function.name() + ": flushing the lag counts")
                    .onFailure().recoverWithUni(failure -> {
                        LOG.warnf("%s: lag counts not flushed: %s", function.name(), failure.getMessage());
                        return Uni.createFrom().voidItem();
                    });
        });
    }

    private <T> Uni<List<RecordResult>> partition(ProfileEventFunction<T> function, RecordDecoder<T> decoder, String deadLetterTopic,
            List<KafkaEventRecord> records, InvocationDeadline deadline) {
        AtomicBoolean stopped = new AtomicBoolean();
        return Multi.createFrom().iterable(records)
                .onItem().transformToUniAndConcatenate(record -> {
                    if (stopped.get()) {
                        return Uni.createFrom().item(RecordResult.of(KafkaEventRecords.topicPartition(record), record.getOffset(), RecordOutcome.DEFERRED));
                    }
                    if (deadline.passed()) {
                        // Not started: nothing of it ran, it simply waits for the retry, in order.
                        stopped.set(true);
                        return Uni.createFrom().item(RecordResult.failed(KafkaEventRecords.topicPartition(record), record.getOffset(),
                                new InvocationDeadline.DeadlineExceededException(function.name() + " record " + KafkaEventRecords.topicPartition(record) + "@"
                                        + record.getOffset(), deadline)));
                    }
                    return apply(function, decoder, deadLetterTopic, record, deadline).invoke(result -> {
                        if (result.outcome().retried()) {
                            stopped.set(true);
                        }
                    });
                })
                .collect().asList();
    }

    private <T> Uni<RecordResult> apply(ProfileEventFunction<T> function, RecordDecoder<T> decoder, String deadLetterTopic,
            KafkaEventRecord record, InvocationDeadline deadline) {
        String topicPartition = KafkaEventRecords.topicPartition(record);
        long offset = record.getOffset();
        return Uni.createFrom().deferred(() -> {
            Headers headers = KafkaEventRecords.headers(record);
            byte[] key = decodeOrNull(record.getKey());
            byte[] value = decodeOrNull(record.getValue());
            // What reaches the dead-letter topic: the record's bytes, or, if AWS sent something that
            // is not base64 (never expected), the text as it came, so nothing is lost either way.
            byte[] deadLetterValue = value != null || record.getValue() == null ? value : record.getValue().getBytes(StandardCharsets.UTF_8);
            SourceRecord source = new SourceRecord(record.getTopic(), record.getPartition(), offset, key, headers);
            String what = function.name() + " record " + topicPartition + "@" + offset;
            // The store ends every Redis call of the record (its script, then its index updates) at
            // the invocation's deadline; the bound below is the backstop for anything else.
            Uni<ApplyResult> applied = intake.apply(function, () -> {
                if (value == null && record.getValue() != null) {
                    throw new InvalidEventException("event", "the record's value is not base64 as the event source mapping sends it");
                }
                return decoder.decode(record.getTopic(), record.getPartition(), offset, headers, key, value);
            }, TRIGGER, null, deadline.forStore());
            return deadline.bound(applied, what)
                    .map(result -> RecordResult.of(topicPartition, offset, result))
                    .onFailure(InvalidEventException.class).recoverWithUni(invalid -> deadline.bound(deadLetters
                            .publish(function.name(), deadLetterTopic, source, deadLetterValue, (InvalidEventException) invalid)
                            .ifNoItem().after(deadLetterTimeout).fail(), "the dead-letter copy of " + what)
                            .replaceWith(RecordResult.of(topicPartition, offset, RecordOutcome.INVALID)));
        }).onFailure().recoverWithItem(failure -> RecordResult.failed(topicPartition, offset, failure));
    }

    /**
     * Decodes, validates and normalizes every record of the batch as {@link #handle} would, and
     * stops there: nothing is written to Redis or Kafka. For warming the code path up (SnapStart
     * priming); an invalid record throws its {@link InvalidEventException}.
     *
     * @return how many records would be applied
     */
    public <T> int dryRun(ProfileEventFunction<T> function, RecordDecoder<T> decoder, KafkaEvent batch) {
        int applicable = 0;
        for (List<KafkaEventRecord> records : KafkaEventRecords.byPartition(batch).values()) {
            for (KafkaEventRecord record : records) {
                EventIntake.Decoded<T> decoded = decoder.decode(record.getTopic(), record.getPartition(), record.getOffset(), KafkaEventRecords.headers(record),
                        decodeOrNull(record.getKey()), decodeOrNull(record.getValue()));
                if (decoded.data() != null) {
                    validation.check(decoded.data());
                    function.toUpdate(decoded.data(), decoded.meta());
                    applicable++;
                }
            }
        }
        return applicable;
    }

    private static byte[] decodeOrNull(String base64) {
        try {
            return KafkaEventRecords.base64(base64);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private KafkaBatchResponse finish(ProfileEventFunction<?> function, KafkaEvent batch, List<List<RecordResult>> perPartition,
            InvocationDeadline deadline) {
        List<RecordResult> results = new ArrayList<>();
        perPartition.forEach(results::addAll);
        // Every event function writes the profile source named after it (ProfileUpdate.source).
        metrics.write(InvocationSummary.of(function.name(), function.name(), batch.getEventSource(), results));

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
                LOG.warnf("%s: %s from offset %d (%d records) to be delivered again: %s (%s left of the invocation's time)", function.name(),
                        first.topicPartition(), first.offset(), partition.stream().filter(r -> r.outcome().retried()).count(),
                        first.failure() == null ? "unknown" : first.failure().getMessage(), deadline.remaining());
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
