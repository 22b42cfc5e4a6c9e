package com.example.profiles.ordering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.customer.KeyedHash;
import com.example.profiles.ordering.ProfileOracle.Snapshot;
import com.example.profiles.profile.ProfileReader;
import com.example.profiles.profile.ProfileView;
import com.example.profiles.testing.CloudEvents;
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
    /** How far an event may be moved from its place in time: well inside profiles.lateness (10 min). */
    static final long JITTER_MILLIS = Duration.ofMinutes(3).toMillis();

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
        List<GeneratedEvent> events = new StreamGenerator(seed, run).generate(USERS, EVENTS_PER_USER, start, JITTER_MILLIS + 60_000,
                midStreamDeletes);

        ProfileOracle oracle = new ProfileOracle(currencies, hash, settings.purchase().recentSkus());
        oracle.applyInEventTimeOrder(events);

        record Delivery(GeneratedEvent event, long sortKey) {
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (GeneratedEvent event : events) {
            int copies = 1 + random.nextInt(3);
            for (int i = 0; i < copies; i++) {
                deliveries.add(new Delivery(event, event.time() + (long) (random.nextDouble() * JITTER_MILLIS)));
            }
        }
        deliveries.sort(Comparator.comparingLong(Delivery::sortKey));
        long outOfOrder = outOfOrderPairsPerUser(deliveries.stream().map(Delivery::event).toList());
        assertThat(deliveries.size() - events.size()).as("re-deliveries in the stream").isGreaterThan(events.size() / 2);
        assertThat(outOfOrder).as("events arriving before an older event of the same user").isGreaterThan(events.size() / 4);

        CommandStats.reset(redisUris());
        Map<String, Long> lastOffsets = send(deliveries.stream().map(Delivery::event).toList());

        try (KafkaEvents kafka = new KafkaEvents(kafkaBootstrap())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> lastOffsets.entrySet().stream()
                    .allMatch(e -> kafka.committedOffset("profile-functions-" + function(e.getKey()), e.getKey()) > e.getValue()));
        }

        // Redis's work for the whole stream (scripts, their commands, index updates), before the reads below.
        System.out.println(getClass().getSimpleName() + ": " + CommandStats.perEvent(CommandStats.calls(redisUris()), deliveries.size())
                + " [" + events.size() + " distinct events]");

        Set<String> users = new LinkedHashSet<>();
        events.forEach(e -> users.add(e.userId()));
        Map<String, Long> lastDelete = new HashMap<>();
        Map<String, Long> lastEvent = new HashMap<>();
        for (GeneratedEvent e : events) {
            lastEvent.merge(e.userId(), e.time(), Math::max);
            if (isDelete(e)) {
                lastDelete.merge(e.userId(), e.time(), Math::max);
            }
        }
        long rebuilt = lastDelete.entrySet().stream().filter(d -> lastEvent.get(d.getKey()) > d.getValue()).count();
        long deletesBehindNewerEvents = deletesArrivingAfterNewerEvents(deliveries.stream().map(Delivery::event).toList());
        List<String> mismatches = new ArrayList<>();
        int erased = 0;
        int converted = 0;
        int filledCarts = 0;
        int customers = 0;
        for (String user : users) {
            Optional<Snapshot> expected = oracle.expected(user);
            converted += expected.filter(x -> x.cart() != null && "converted".equals(x.cart().status())).isPresent() ? 1 : 0;
            filledCarts += expected.filter(x -> x.cart() != null && !x.cart().lines().isEmpty()).isPresent() ? 1 : 0;
            customers += expected.filter(x -> x.customer() != null).isPresent() ? 1 : 0;
            Optional<ProfileView> actual = reader.read(user).await().atMost(Duration.ofSeconds(5));
            Optional<Snapshot> actualSnapshot = actual.map(Snapshot::of);
            if (expected.isEmpty()) {
                erased++;
            }
            if (!expected.equals(actualSnapshot)) {
                mismatches.add(user + "\n  expected " + expected + "\n  actual   " + actualSnapshot);
            }
        }
        // The stream must exercise every rule, or equality would prove little.
        assertThat(erased).as("erased users").isPositive();
        if (midStreamDeletes) {
            assertThat(rebuilt).as("users with events after a delete (the delete arriving before or after them)").isPositive();
            assertThat(deletesBehindNewerEvents).as("deletes arriving after a newer event of the same user").isPositive();
        }
        assertThat(converted).as("users whose cart was converted last").isPositive();
        assertThat(filledCarts).as("users with items in the cart").isPositive();
        assertThat(customers).as("users with customer attributes").isPositive();
        assertThat(mismatches).as("profiles differing from the oracle (seed " + seed + ", " + events.size() + " events, "
                + deliveries.size() + " deliveries, " + erased + " users erased)").isEmpty();
    }

    private static String function(String topic) {
        return switch (topic) {
            case "commerce.purchase.completed.v1" -> "purchase";
            case "commerce.cart.changed.v1" -> "cart";
            case "shop.public.customers" -> "customer";
            default -> throw new IllegalArgumentException(topic);
        };
    }

    private static boolean isDelete(GeneratedEvent e) {
        return e.function().equals("customer") && "d".equals(e.data().get("op"));
    }

    /** Deletes delivered (the first time) after an event of the same user that is newer than the delete. */
    private static long deletesArrivingAfterNewerEvents(List<GeneratedEvent> arrival) {
        Map<String, Long> newest = new HashMap<>();
        Set<GeneratedEvent> seen = new java.util.HashSet<>();
        long count = 0;
        for (GeneratedEvent e : arrival) {
            Long before = newest.get(e.userId());
            if (isDelete(e) && seen.add(e) && before != null && before > e.time()) {
                count++;
            }
            newest.merge(e.userId(), e.time(), Math::max);
        }
        return count;
    }

    private static long outOfOrderPairsPerUser(List<GeneratedEvent> arrival) {
        Map<String, Long> newest = new HashMap<>();
        long count = 0;
        for (GeneratedEvent e : arrival) {
            Long before = newest.get(e.userId());
            if (before != null && e.time() < before) {
                count++;
            }
            newest.merge(e.userId(), e.time(), Math::max);
        }
        return count;
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
                sent.add(producer.send(record(e)));
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

    private static ProducerRecord<byte[], byte[]> record(GeneratedEvent e) {
        byte[] key = e.userId().getBytes(StandardCharsets.UTF_8);
        byte[] value = CloudEvents.json(e.data()).getBytes(StandardCharsets.UTF_8);
        return switch (e.function()) {
            case "customer" -> new ProducerRecord<>("shop.public.customers", key, value);
            case "purchase" -> binary("commerce.purchase.completed.v1", CloudEvents.PURCHASE_TYPE, key, value, e);
            case "cart" -> binary("commerce.cart.changed.v1", "com.example.commerce.cart.changed.v1", key, value, e);
            default -> throw new IllegalArgumentException(e.function());
        };
    }

    private static ProducerRecord<byte[], byte[]> binary(String topic, String type, byte[] key, byte[] value, GeneratedEvent e) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
        record.headers().add("ce_specversion", KafkaEvents.bytes("1.0"));
        record.headers().add("ce_id", KafkaEvents.bytes(e.id()));
        record.headers().add("ce_source", KafkaEvents.bytes(e.source()));
        record.headers().add("ce_type", KafkaEvents.bytes(type));
        record.headers().add("content-type", KafkaEvents.bytes("application/json"));
        return record;
    }
}
