package com.example.profiles.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.example.profiles.store.Deadline;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.LogThrottle;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileMetrics;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.store.ProfileStoreUnavailableException;
import com.example.profiles.core.RetryReason;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.IndexBatch;
import com.example.profiles.intake.CloudEventDecoder;
import com.example.profiles.intake.DeadLetterPublisher;
import com.example.profiles.intake.DeadLetterPublisher.SourceRecord;
import com.example.profiles.intake.RecordDecoder;
import com.example.profiles.lifecycle.InFlightWork;

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
 * pipelined instead of waiting for each other.
 *
 * <p>Whatever a record holds, it ends in one of these ways, and the channel goes on:
 * <ul>
 * <li>applied, duplicate, stale, ignored or erased: done;</li>
 * <li>invalid: copied to the function's dead-letter topic with the reason (done once the broker
 * has the copy);</li>
 * <li>Redis unavailable, late (past its {@link com.example.profiles.store.Deadline}) or moving a
 * cluster slot: retried in place with capped exponential backoff until applied, however long the
 * outage (counted in {@code profile_event_retries_total}, not as failed);</li>
 * <li>anything else (a bug, or an input nobody foresaw): dead-lettered with reason
 * {@code internal error: <exception class>}, one ERROR line naming the record, counted
 * {@code failed}. Such a record is never retried in place (it would fail the same way forever)
 * and never stops the channel (one record must not halt a function).</li>
 * </ul>
 * A dead-letter copy that the broker does not acknowledge is retried in place too.
 *
 * <p>The freshness-index updates of the batch are gathered and sent once, after its scripts
 * ({@link IndexBatch}). The batch is acknowledged only when every one of its records is done and
 * the index updates are written, so no offset is committed for a record that was not applied or
 * dead-lettered: while Redis is down the batch waits. The channel takes one batch at a time, so
 * a waiting batch also stops the connector from fetching more (it pauses its partitions), and the
 * commit strategy's own "unprocessed for too long" check is off (see FunctionDescriptorConfigSource):
 * waiting is the intended behaviour, not a stuck consumer.
 *
 * <p>At shutdown ({@link #drain}) no new batch is taken (a batch that arrives is left unacknowledged,
 * so its records go to the partition's next owner), and the batches in flight get a bounded time to
 * finish; after that their retries stop and their records, uncommitted, are redelivered later
 * (re-applying what was applied is a harmless duplicate).
 */
@ApplicationScoped
public class KafkaIntake implements InFlightWork {

    static final String TRIGGER = "kafka";
    private static final Logger LOG = Logger.getLogger(KafkaIntake.class);

    private final EventIntake intake;
    private final CloudEventDecoder decoder;
    private final DeadLetterPublisher deadLetters;
    private final int concurrency;
    private final FreshnessIndex freshness;
    private final ProfileMetrics metrics;
    private final Backoff backoff;
    private final Duration storeTimeout;

    /** Completed when the application gives up on the work in flight (shutdown, drain timed out). */
    private final CompletableFuture<Void> abandoned = new CompletableFuture<>();
    private volatile boolean stopping;
    private final AtomicInteger batchesInFlight = new AtomicInteger();
    private final Object drained = new Object();
    /** A dead-letter topic that does not answer fails every retry: one warning per function this often. */
    private final LogThrottle deadLetterWarnings = new LogThrottle(Duration.ofSeconds(10));

    public KafkaIntake(EventIntake intake, CloudEventDecoder decoder, DeadLetterPublisher deadLetters, ProfileSettings settings,
            FreshnessIndex freshness, ProfileMetrics metrics) {
        this.freshness = freshness;
        this.intake = intake;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.concurrency = settings.kafka().concurrency();
        this.storeTimeout = settings.kafka().storeTimeout();
        this.backoff = new Backoff(settings.kafka().retry().firstDelay(), settings.kafka().retry().maxDelay(), abandoned);
    }

    /** Consumes a batch of records holding CloudEvents (binary or structured mode). */
    public <T> Uni<Void> consume(ProfileEventFunction<T> function, KafkaRecordBatch<byte[], byte[]> batch) {
        return consume(function, batch, (topic, partition, offset, headers, key, value) -> decoder.decode(function, headers, value));
    }

    /** Consumes a batch of records in the function's own format. */
    public <T> Uni<Void> consume(ProfileEventFunction<T> function, KafkaRecordBatch<byte[], byte[]> batch, RecordDecoder<T> recordDecoder) {
        if (stopping) {
            // Never acknowledged, never completed: the channel takes no further batch, the connector
            // pauses its partitions, and these records go to the partitions' next owner.
            return Uni.createFrom().nothing();
        }
        batchesInFlight.incrementAndGet();
        AtomicBoolean counted = new AtomicBoolean();
        Runnable finished = () -> {
            if (counted.compareAndSet(false, true)) {
                batchDone();
            }
        };
        List<KafkaRecord<byte[], byte[]>> records = batch.getRecords();
        return freshness.openBatch(Deadline.in(storeTimeout)).chain(index -> applyAll(function, batch, records, recordDecoder, index, finished));
    }

    private <T> Uni<Void> applyAll(ProfileEventFunction<T> function, KafkaRecordBatch<byte[], byte[]> batch, List<KafkaRecord<byte[], byte[]>> records,
            RecordDecoder<T> recordDecoder, IndexBatch index, Runnable finished) {
        // Each record's Uni ends with whether it is done (false: abandoned at shutdown); none fails,
        // so no record's end cancels the others (whose later failures nobody would then consume).
        Uni<Boolean> all;
        if (records.size() == 1) {
            all = applyOne(function, records.get(0), recordDecoder, index);
        } else {
            all = Multi.createFrom().iterable(records)
                    .onItem().transformToUni(record -> applyOne(function, record, recordDecoder, index)).merge(concurrency)
                    .collect().with(java.util.stream.Collectors.reducing(Boolean.TRUE, Boolean::logicalAnd));
        }
        return all.chain(done -> !done ? Uni.createFrom().item(Boolean.FALSE)
                : backoff.untilDone(() -> freshness.flush(index, Deadline.in(storeTimeout)), ProfileStoreUnavailableException.class::isInstance,
                        failure -> retried(function, RetryReason.ofStoreFailure(failure)))
                        .replaceWith(Boolean.TRUE)
                        .onFailure(Backoff.Abandoned.class::isInstance).recoverWithItem(Boolean.FALSE))
                // Shutdown gave up on the batch: left unacknowledged, so uncommitted, and never
                // completed, so the channel asks for no further batch while the connector closes
                // (a batch delivered then would touch a consumer already closed).
                .chain(done -> {
                    if (done) {
                        return Uni.createFrom().completionStage(batch::ack);
                    }
                    finished.run();
                    return Uni.createFrom().<Void> nothing();
                })
                .onFailure().recoverWithUni(failure -> {
                    // Not reachable by any record (each one ends above); a fault of this class would
                    // land here. Stopping the channel (failure-strategy=fail) then beats skipping records.
                    LOG.errorf(failure, "%s: the Kafka batch could not be completed; stopping the channel", function.name());
                    return Uni.createFrom().completionStage(() -> batch.nack(failure));
                })
                .onTermination().invoke(finished);
    }

    /** Applies (or dead-letters) one record; answers true when it is done, false when abandoned at shutdown. */
    private <T> Uni<Boolean> applyOne(ProfileEventFunction<T> function, KafkaRecord<byte[], byte[]> record, RecordDecoder<T> recordDecoder,
            IndexBatch index) {
        IncomingKafkaRecordMetadata<?, ?> kafka = metadata(record);
        SourceRecord source = DeadLetterPublisher.source(kafka);
        byte[] key = record.getKey();
        return backoff.untilDone(() -> intake.apply(function, () -> recordDecoder.decode(kafka.getTopic(), kafka.getPartition(),
                kafka.getOffset(), record.getHeaders(), key, record.getPayload()), TRIGGER, index, Deadline.in(storeTimeout)),
                ProfileStoreUnavailableException.class::isInstance, failure -> {
                    // counted and logged by EventIntake
                })
                .replaceWithVoid()
                .onFailure(InvalidEventException.class).recoverWithUni(invalid -> deadLetter(function, source,
                        () -> deadLetters.publish(function.name(), deadLetters.topicFor(function), source, record.getPayload(),
                                (InvalidEventException) invalid)))
                .onFailure(failure -> !(failure instanceof Backoff.Abandoned)).recoverWithUni(failure -> {
                    // One line naming the record and where the fault is; the message is left out (it may
                    // quote the record's data), the stack trace is at DEBUG.
                    LOG.errorf("%s: internal error on record %s: %s at %s; dead-lettered to %s, the channel goes on", function.name(),
                            source.coordinates(), failure.getClass().getName(), where(failure), deadLetters.topicFor(function));
                    LOG.debugf(failure, "%s: internal error on record %s", function.name(), source.coordinates());
                    return deadLetter(function, source, () -> deadLetters.publishInternalError(function.name(), deadLetters.topicFor(function),
                            source, record.getPayload(), failure));
                })
                .replaceWith(Boolean.TRUE)
                .onFailure(Backoff.Abandoned.class::isInstance).recoverWithItem(Boolean.FALSE);
    }

    /** Sends the dead-letter copy, retried in place until the broker has it. */
    private Uni<Void> deadLetter(ProfileEventFunction<?> function, SourceRecord source, java.util.function.Supplier<Uni<Void>> send) {
        return backoff.untilDone(send, failure -> !(failure instanceof Backoff.Abandoned), failure -> {
            retried(function, RetryReason.DEAD_LETTER_UNAVAILABLE);
            if (deadLetterWarnings.due(function.name()) != LogThrottle.HELD_BACK) {
                LOG.warnf("%s: the dead-letter copy of record %s was not acknowledged (%s); retrying in place", function.name(),
                        source.coordinates(), failure.toString());
            }
        });
    }

    private void retried(ProfileEventFunction<?> function, RetryReason reason) {
        metrics.retry(function.name(), intake.eventType(function), TRIGGER, reason);
    }

    /** The first stack frame of this application, else the first frame: where to look. */
    private static String where(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        for (StackTraceElement frame : frames) {
            if (frame.getClassName().startsWith("com.example.profiles.")) {
                return frame.toString();
            }
        }
        return frames.length == 0 ? "(no stack trace)" : frames[0].toString();
    }

    private void batchDone() {
        if (batchesInFlight.decrementAndGet() == 0) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /**
     * Stops taking batches and waits up to {@code timeout} for the ones in flight to be done
     * (applied or dead-lettered, index written, acknowledged). If they are not, their retries are
     * stopped and their records stay uncommitted for the partitions' next owner. Blocking.
     *
     * @return how many batches were not done in time (0: all finished)
     */
    @Override
    public int drain(Duration timeout) {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (batchesInFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drained, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int unfinished = batchesInFlight.get();
        abandoned.complete(null);
        return unfinished;
    }

    /** Batches taken and not yet done (acknowledged or abandoned). */
    @Override
    public int inFlight() {
        return batchesInFlight.get();
    }

    @Override
    public String name() {
        return "Kafka batches";
    }

    private static IncomingKafkaRecordMetadata<?, ?> metadata(KafkaRecord<byte[], byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow(() -> new IllegalStateException("not a Kafka record"));
    }
}
