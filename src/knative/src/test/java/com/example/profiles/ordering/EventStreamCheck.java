package com.example.profiles.ordering;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.customer.KeyedHash;
import com.example.profiles.profile.ProfileReader;
import com.example.profiles.testing.CommandStats;
import com.example.profiles.testing.KafkaEvents;

/**
 * Thousands of events for many users, every one delivered one to three times and shuffled
 * within the lateness bound, through the real Kafka consumers of the three functions: every
 * final profile must equal the oracle's, which applies each event once in event-time order.
 * Subclasses choose the Redis (single node, cluster).
 */
abstract class EventStreamCheck {

    static final int USERS = 40;
    static final int EVENTS_PER_USER = 60;

    @Inject
    ProfileReader reader;
    @Inject
    CurrencyConverter currencies;
    @Inject
    KeyedHash hash;
    @Inject
    ProfileSettings settings;

    abstract String kafkaBootstrap();

    /** Every Redis node the application writes to, for the command count of the run. */
    abstract List<String> redisUris();

    @Test
    void redeliveredShuffledEventsEndInTheProfilesOfOrderedOnceApplication() {
        // -Dordering.seed=N repeats a run (the seed is in the failure message).
        long seed = Long.getLong("ordering.seed", System.nanoTime());
        Random random = new Random(seed);
        String run = UUID.randomUUID().toString().substring(0, 8);
        long start = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        // -Dordering.mid-stream-deletes=false gives the stream of the same seed without deletes between
        // other events (to compare the Redis work of ordinary events with a run of the code before them).
        boolean midStreamDeletes = Boolean.parseBoolean(System.getProperty("ordering.mid-stream-deletes", "true"));
        List<GeneratedEvent> events = new StreamGenerator(seed, run).generate(USERS, EVENTS_PER_USER, start,
                Deliveries.JITTER_MILLIS + 60_000, midStreamDeletes);

        ProfileOracle oracle = new ProfileOracle(currencies, hash, settings.purchase().recentSkus());
        oracle.applyInEventTimeOrder(events);
        List<GeneratedEvent> arrival = Deliveries.redeliveredAndShuffled(events, random);

        CommandStats.reset(redisUris());
        Map<String, Long> lastOffsets = send(arrival);

        try (KafkaEvents kafka = new KafkaEvents(kafkaBootstrap())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> lastOffsets.entrySet().stream()
                    .allMatch(e -> kafka.committedOffset(Deliveries.consumerGroup(e.getKey()), e.getKey()) > e.getValue()));
        }

        // Redis's work for the whole stream (scripts, their commands, index updates), before the reads below.
        System.out.println(getClass().getSimpleName() + ": " + CommandStats.perEvent(CommandStats.calls(redisUris()), arrival.size())
                + " [" + events.size() + " distinct events]");

        OracleComparison.assertEveryProfileEqualsOracle(events, arrival, oracle,
                user -> reader.read(user).await().atMost(Duration.ofSeconds(5)), midStreamDeletes, "seed " + seed);
    }

    /** Sends every delivery to its function's topic, in the given order; returns the last offset per topic. */
    private Map<String, Long> send(List<GeneratedEvent> deliveries) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One in flight keeps the order we chose within each partition.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (GeneratedEvent e : deliveries) {
                sent.add(producer.send(Deliveries.record(e)));
            }
            producer.flush();
            Map<String, Long> last = new HashMap<>();
            for (Future<RecordMetadata> future : sent) {
                RecordMetadata metadata = future.get(30, TimeUnit.SECONDS);
                last.merge(metadata.topic(), metadata.offset(), Math::max);
            }
            return last;
        } catch (Exception e) {
            throw new IllegalStateException("could not send the stream", e);
        }
    }
}
