package com.example.profiles.rebuild;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import com.example.profiles.core.ApplyResult;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileLimitExceededException;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.customer.CustomerChangeFunction;
import com.example.profiles.freshness.FreshnessIndex;
import com.example.profiles.freshness.IndexBatch;
import com.example.profiles.generation.ErasureLedger;
import com.example.profiles.generation.GenerationCleaner;
import com.example.profiles.generation.GenerationState;
import com.example.profiles.generation.GenerationState.Phase;
import com.example.profiles.generation.GenerationSwitch;
import com.example.profiles.intake.CloudEventDecoder;
import com.example.profiles.intake.RecordDecoder;
import com.example.profiles.store.Deadline;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.store.ProfileStore;
import com.example.profiles.store.ProfileStoreUnavailableException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Rebuilds every profile from the retained history into a new generation, then switches to it
 * (GenerationState describes the phases; GenerationSwitch takes each step). It reads the functions'
 * topics from their earliest retained offset with a consumer group of its own
 * ({@code profiles.rebuild.group-prefix} and the generation), applies each record with the same
 * functions and scripts as the live path, into the new generation only, at most
 * {@code profiles.rebuild.max-events-per-second}, and commits the offsets after each batch: killed,
 * it goes on from the last batch, and from the phase the pointer says. It keeps reading the live
 * events that keep arriving, so the new generation catches up; once fewer than
 * {@code profiles.rebuild.switch-lag} records are left, every event is written to both generations
 * until the rebuild has read everything that was on the topics when that began, then readers and
 * writers switch, and after {@code profiles.rebuild.grace} the old generation is removed.
 *
 * <p>What a rebuild cannot bring back: an event no topic retains any more. The start reports, per
 * partition, how many records are gone from it. Erasures are kept by the erasure ledger and put in
 * the new generation before any event, so a shopper erased before the rebuild stays erased even if
 * the delete itself was compacted away.
 */
@ApplicationScoped
public class Rebuild {

    private static final Logger LOG = Logger.getLogger(Rebuild.class);
    private static final String TRIGGER = "rebuild";
    private static final ProfileScript SEED_TOMBSTONE = ProfileScript.plain("seed-tombstone");

    /** What a run did. */
    public record Report(GenerationState end, long read, Map<String, Long> outcomes, Map<String, Long> notRetained, long removedUsers,
            boolean finished) {
    }

    private final EventIntake intake;
    private final Instance<ProfileEventFunction<?>> functions;
    private final CloudEventDecoder decoder;
    private final ProfileSettings profiles;
    private final RebuildSettings settings;
    private final GenerationSwitch generations;
    private final ErasureLedger erasures;
    private final GenerationCleaner cleaner;
    private final FreshnessIndex index;
    private final ProfileStore store;
    private final Map<String, Object> kafka;
    private final MeterRegistry registry;
    private final AtomicLong lag = new AtomicLong(-1);
    private final AtomicLong phase = new AtomicLong(-1);

    public Rebuild(EventIntake intake, Instance<ProfileEventFunction<?>> functions, CloudEventDecoder decoder, ProfileSettings profiles,
            RebuildSettings settings, GenerationSwitch generations, ErasureLedger erasures, GenerationCleaner cleaner, FreshnessIndex index,
            ProfileStore store, @Identifier("default-kafka-broker") Map<String, Object> kafka, MeterRegistry registry) {
        this.intake = intake;
        this.functions = functions;
        this.decoder = decoder;
        this.profiles = profiles;
        this.settings = settings;
        this.generations = generations;
        this.erasures = erasures;
        this.cleaner = cleaner;
        this.index = index;
        this.store = store;
        this.kafka = kafka;
        this.registry = registry;
        Gauge.builder("profile.rebuild.lag", lag, AtomicLong::get).description("Records of the functions' topics the rebuild has not read yet")
                .baseUnit("records").register(registry);
        Gauge.builder("profile.rebuild.phase", phase, AtomicLong::get)
                .description("The switch's phase while a rebuild runs: 1 building, 2 dual writes, 3 switched; 0 done, -1 not running").register(registry);
    }

    /** One function with its topic and how its records are read. */
    private record Source(ProfileEventFunction<Object> function, RecordDecoder<Object> decoder) {
    }

    /**
     * Where a run stops before the rebuild's end, as a crash would (a new run goes on from the
     * committed offsets and the pointer's phase): after so many records, or when a time budget is
     * spent (a Lambda invocation's). A phase change, which waits for every instance to acknowledge
     * it, starts only with {@code profiles.rebuild.acknowledge-timeout} of the budget left.
     */
    public record Stop(long afterRecords, long atNanos, boolean timed) {
        public static final Stop NEVER = new Stop(Long.MAX_VALUE, 0, false);

        public static Stop afterRecords(long records) {
            return new Stop(records, 0, false);
        }

        public static Stop after(Duration budget) {
            return new Stop(Long.MAX_VALUE, System.nanoTime() + budget.toNanos(), true);
        }

        boolean reached(long read) {
            return read >= afterRecords || timed && System.nanoTime() - atNanos >= 0;
        }

        /** Whether this much time is left (always, without a time budget). */
        boolean leaves(Duration time) {
            return !timed || atNanos - System.nanoTime() >= time.toNanos();
        }
    }

    /** Runs (or resumes) a rebuild to its end. */
    public Report run(PrintStream out) {
        return run(out, Stop.NEVER);
    }

    /** Runs (or resumes) a rebuild to its end or to where {@code stop} says. */
    public Report run(PrintStream out, Stop stop) {
        Map<String, Source> byTopic = sources();
        GenerationState state = start(out, byTopic);
        Counts counts = new Counts();
        Map<String, Long> notRetained = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = RebuildTopics.consumer(kafka, settings, state.next())) {
            Pass pass = new Pass(out, byTopic, state, counts, consumer);
            pass.open(notRetained);
            while (!pass.done()) {
                pass.readBatch();
                if (stop.reached(counts.read.sum())) {
                    return stopped(out, pass.state, counts, notRetained);
                }
                pass.measureLag();
                if (!pass.advance(stop)) {
                    return stopped(out, pass.state, counts, notRetained);
                }
            }
            pass.progress(Map.of());
            state = pass.state;
        }
        return finish(out, state, counts, notRetained, stop);
    }

    private static Report stopped(PrintStream out, GenerationState state, Counts counts, Map<String, Long> notRetained) {
        out.printf("rebuild: stopped after %d records, as asked, %s; a new run goes on from here%n", counts.read.sum(), state);
        return new Report(state, counts.read.sum(), counts.outcomes(), notRetained, 0, false);
    }

    /**
     * The pointer at the start: a new rebuild begins (and its erased shoppers are put in), a stopped
     * one goes on. One stopped while a phase change waited for the instances waits for them again
     * first: what comes next counts on every instance acting on the phase.
     */
    private GenerationState start(PrintStream out, Map<String, Source> byTopic) {
        GenerationState state = generations.read();
        if (state.phase() == Phase.IDLE) {
            state = generations.begin();
        } else if (state.phase() != Phase.BUILDING) {
            generations.awaitAcknowledged(state, settings.acknowledgeTimeout());
        }
        out.printf("rebuild: %s into %s, from the topics %s%n", state, state.next(), byTopic.keySet());
        if (state.phase() == Phase.BUILDING) {
            long[] seeded = seedErasures(state.next());
            out.printf("rebuild: %d erased shoppers from the erasure ledger start %s erased (%d of them already did)%n", seeded[0], state.next(),
                    seeded[0] - seeded[1]);
        }
        return state;
    }

    /** After the grace: the old generation removed, the new one the only one. */
    private Report finish(PrintStream out, GenerationState switched, Counts counts, Map<String, Long> notRetained, Stop stop) {
        long removed = 0;
        if (settings.removeOld()) {
            GenerationCleaner.Removal removal = cleaner.remove(switched.current(), settings.removePerSecond(), () -> stop.reached(0));
            removed = removal.users();
            if (!removal.complete()) {
                out.printf("rebuild: removing %s stopped after %d profiles, as asked; a new run goes on with it%n", switched.current(), removed);
                return new Report(switched, counts.read.sum(), counts.outcomes(), notRetained, removed, false);
            }
            out.printf("rebuild: removed %s (%d profiles)%n", switched.current(), removed);
        }
        if (!stop.leaves(settings.acknowledgeTimeout())) {
            return stopped(out, switched, counts, notRetained);
        }
        GenerationState state = step(switched, out);
        phase.set(0);
        lag.set(0);
        out.printf("rebuild: done, %s; %d records read, %s%n", state, counts.read.sum(), counts.outcomes());
        return new Report(state, counts.read.sum(), counts.outcomes(), notRetained, removed, true);
    }

    /** One run's reading of the topics and its way through the phases. */
    private final class Pass {
        private final PrintStream out;
        private final Map<String, Source> byTopic;
        private final Counts counts;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Pace pace = new Pace(settings.maxEventsPerSecond());
        private final long started = System.nanoTime();
        private List<TopicPartition> partitions;
        private GenerationState state;
        /** The end offsets when every instance began writing both generations. */
        private Map<TopicPartition, Long> dualEnd;
        private long switchedAt;
        private long lastProgress = started;
        private long left;
        private boolean graceOver;

        Pass(PrintStream out, Map<String, Source> byTopic, GenerationState state, Counts counts, KafkaConsumer<byte[], byte[]> consumer) {
            this.out = out;
            this.byTopic = byTopic;
            this.state = state;
            this.counts = counts;
            this.consumer = consumer;
        }

        void open(Map<String, Long> notRetained) {
            partitions = RebuildTopics.partitions(consumer, byTopic.keySet());
            consumer.assign(partitions);
            RebuildTopics.resume(consumer, partitions);
            RebuildTopics.reportRetention(consumer, partitions, notRetained, out);
            // Resumed after the switch began: what the topics hold now is at least what they held then.
            dualEnd = state.phase() == Phase.DUAL ? consumer.endOffsets(partitions) : null;
            switchedAt = state.phase() == Phase.SWITCHED ? System.nanoTime() : 0;
            phase.set(state.phase().ordinal());
        }

        /** Reads, applies and commits one poll. */
        void readBatch() {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                pace.take(records.count());
                apply(records, byTopic, state.next(), counts);
                consumer.commitSync();
                counts.read.add(records.count());
            }
        }

        void measureLag() {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, Long> behind = new TreeMap<>();
            left = 0;
            for (TopicPartition partition : partitions) {
                long partitionLeft = Math.max(0, end.get(partition) - consumer.position(partition));
                if (partitionLeft > 0) {
                    behind.put(partition.toString(), partitionLeft);
                }
                left += partitionLeft;
            }
            lag.set(left);
            if (System.nanoTime() - lastProgress >= settings.progressEvery().toNanos()) {
                progress(behind);
                lastProgress = System.nanoTime();
            }
        }

        /** The next phase when its moment has come; false when that moment came with too little of the budget left for it. */
        boolean advance(Stop stop) {
            boolean due = state.phase() == Phase.BUILDING && left <= settings.switchLag()
                    || state.phase() == Phase.DUAL && RebuildTopics.readTo(consumer, partitions, dualEnd);
            if (due && !stop.leaves(settings.acknowledgeTimeout())) {
                return false;
            }
            if (state.phase() == Phase.BUILDING && left <= settings.switchLag()) {
                state = step(state, out);
                // Every instance now writes both generations: once the rebuild has read what the
                // topics held at this moment, the new generation holds all the old one does.
                dualEnd = consumer.endOffsets(partitions);
            } else if (state.phase() == Phase.DUAL && RebuildTopics.readTo(consumer, partitions, dualEnd)) {
                state = step(state, out);
                switchedAt = System.nanoTime();
            } else if (state.phase() == Phase.SWITCHED && System.nanoTime() - switchedAt >= settings.grace().toNanos()) {
                graceOver = true;
            }
            return true;
        }

        boolean done() {
            return graceOver;
        }

        void progress(Map<String, Long> behind) {
            Rebuild.this.progress(out, state, counts, left, behind, started);
        }
    }

    private GenerationState step(GenerationState from, PrintStream out) {
        GenerationState to = generations.advance(from);
        generations.awaitAcknowledged(to, settings.acknowledgeTimeout());
        phase.set(to.phase() == Phase.IDLE ? 0 : to.phase().ordinal());
        out.printf("rebuild: %s, every instance acts on it%n", to);
        return to;
    }

    /** Starts the new generation with a tombstone for each erasure the ledger holds; answers {erasures, tombstones written now}. */
    private long[] seedErasures(Generation target) {
        String retention = Long.toString(profiles.dedupRetention().toMillis());
        Map<String, ErasureLedger.Erasure> ledger = erasures.latestByUser().await().atMost(Duration.ofMinutes(1));
        long seeded = 0;
        for (ErasureLedger.Erasure erasure : ledger.values()) {
            String tombstone = ProfileKeys.all(target, erasure.userId()).get(4);
            seeded += store.run(SEED_TOMBSTONE, List.of(tombstone),
                    List.of(Long.toString(erasure.eventTimeMillis()), erasure.position(), retention)).await().atMost(Duration.ofSeconds(10)).toLong();
        }
        return new long[] { ledger.size(), seeded };
    }

    /** Applies a poll's records: each partition's in order, the partitions side by side; then the index updates. */
    private void apply(ConsumerRecords<byte[], byte[]> records, Map<String, Source> byTopic, Generation target, Counts counts) {
        Deadline deadline = null;
        IndexBatch batch = index.openBatch(deadline).await().indefinitely();
        List<Uni<Void>> partitions = new ArrayList<>();
        for (TopicPartition partition : records.partitions()) {
            Source source = byTopic.get(partition.topic());
            partitions.add(inOrder(records.records(partition), record -> applyOne(source, record, target, batch, counts)));
        }
        Uni.join().all(partitions).andFailFast().await().indefinitely();
        retried(() -> index.flush(batch, null)).await().indefinitely();
    }

    /**
     * Each item's call after the previous one's has completed. Not a chain of flatMaps: subscribing
     * to a chain of n nests n subscriptions on the stack, and a poll's 500 records overflowed the
     * 256 KB thread stacks the JVM image runs with.
     */
    static <T> Uni<Void> inOrder(List<T> items, java.util.function.Function<T, Uni<Void>> call) {
        return Multi.createFrom().iterable(items).onItem().<Void> transformToUniAndConcatenate(call::apply).collect().last().replaceWithVoid();
    }

    private Uni<Void> applyOne(Source source, ConsumerRecord<byte[], byte[]> record, Generation target, IndexBatch batch, Counts counts) {
        counter(record.topic()).increment();
        counts.byTopic.computeIfAbsent(record.topic(), t -> new LongAdder()).increment();
        Uni<ApplyResult> applied = retried(() -> intake.apply(source.function(), () -> source.decoder().decode(record.topic(), record.partition(),
                record.offset(), record.headers(), record.key(), record.value()), TRIGGER, batch, null, target));
        return applied.invoke(result -> counts.outcome(result.status().name().toLowerCase(java.util.Locale.ROOT)))
                .replaceWithVoid()
                .onFailure(InvalidEventException.class).recoverWithItem(failure -> {
                    counts.outcome("invalid"); // dead-lettered when it was live; the rebuild leaves it out
                    return null;
                })
                .onFailure(ProfileLimitExceededException.class).recoverWithItem(failure -> {
                    counts.outcome("refused");
                    return null;
                })
                .onFailure(failure -> !(failure instanceof ProfileStoreUnavailableException)).recoverWithItem(failure -> {
                    counts.outcome("failed");
                    LOG.errorf("rebuild: internal error on record %s-%d@%d: %s; left out", record.topic(), record.partition(), record.offset(),
                            failure.getClass().getName());
                    return null;
                });
    }

    /** Redis unavailable: the same call again, 100 ms doubling to 5 s, until it answers (the rebuild waits, it does not skip). */
    private static <T> Uni<T> retried(java.util.function.Supplier<Uni<T>> call) {
        return Uni.createFrom().<T> deferred(call::get).onFailure(ProfileStoreUnavailableException.class).retry()
                .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).indefinitely();
    }

    private void progress(PrintStream out, GenerationState state, Counts counts, long left, Map<String, Long> behind, long startedNanos) {
        double seconds = Math.max(0.001, (System.nanoTime() - startedNanos) / 1e9);
        double rate = counts.read.sum() / seconds;
        String eta = rate < 1 ? "unknown" : Math.round(left / rate) + " s";
        Map<String, Long> byTopic = new TreeMap<>();
        // Counted here, not read back from the meter: a registry may keep no count (Lambda's, between flushes).
        counts.byTopic.forEach((topic, count) -> byTopic.put(topic, count.sum()));
        out.printf("rebuild: %s: %d read %s, %.0f/s, %d left (about %s)%s: %s%n", state.phase(), counts.read.sum(), byTopic, rate, left, eta,
                behind.isEmpty() ? "" : " " + behind, counts.outcomes());
    }

    private final Map<String, Counter> readByTopic = new ConcurrentHashMap<>();

    private Counter counter(String topic) {
        return readByTopic.computeIfAbsent(topic, t -> Counter.builder("profile.rebuild.records").description("Records the rebuild read")
                .tag("topic", t).register(registry));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Source> sources() {
        Map<String, Source> byTopic = new LinkedHashMap<>();
        for (ProfileEventFunction<?> function : functions) {
            ProfileSettings.Function config = profiles.functions().get(function.name());
            if (config == null || config.topic().isEmpty()) {
                continue;
            }
            ProfileEventFunction<Object> f = (ProfileEventFunction<Object>) function;
            RecordDecoder<Object> read = function instanceof CustomerChangeFunction customers
                    ? (RecordDecoder<Object>) (RecordDecoder<?>) (RecordDecoder<com.example.profiles.customer.DebeziumChange>) customers::decodeRecord
                    : (topic, partition, offset, headers, key, value) -> decoder.decode(f, headers, value);
            byTopic.put(config.topic().get(), new Source(f, read));
        }
        return byTopic;
    }

    /** Outcomes of the records applied. */
    private static final class Counts {
        final LongAdder read = new LongAdder();
        final Map<String, LongAdder> byTopic = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

        void outcome(String name) {
            outcomes.computeIfAbsent(name, n -> new LongAdder()).increment();
        }

        Map<String, Long> outcomes() {
            Map<String, Long> copy = new TreeMap<>();
            outcomes.forEach((name, count) -> copy.put(name, count.sum()));
            return copy;
        }
    }


}
