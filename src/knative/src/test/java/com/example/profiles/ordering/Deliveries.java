package com.example.profiles.ordering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.example.profiles.testing.CloudEvents;

import io.cloudevents.kafka.KafkaMessageFactory;

/**
 * How a generated stream reaches the functions: every event delivered one to three times, each
 * delivery moved by up to {@link #JITTER_MILLIS} from its place in time, and each one as the Kafka
 * record its producer would write (keyed by user id, so a user's records share a partition).
 */
final class Deliveries {

    /** How far a delivery may be moved from its place in time: well inside profiles.lateness (10 min). */
    static final long JITTER_MILLIS = Duration.ofMinutes(3).toMillis();

    private Deliveries() {
    }

    /**
     * The arrival order of {@code events}: re-delivered and shuffled as above. Checks that the result
     * has what makes the comparison with the oracle worth something: many re-deliveries, and many
     * events arriving after a newer event of the same user.
     */
    static List<GeneratedEvent> redeliveredAndShuffled(List<GeneratedEvent> events, Random random) {
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
        List<GeneratedEvent> arrival = deliveries.stream().map(Delivery::event).toList();
        assertThat(arrival.size() - events.size()).as("re-deliveries in the stream").isGreaterThan(events.size() / 2);
        assertThat(outOfOrderPairsPerUser(arrival)).as("events arriving before an older event of the same user")
                .isGreaterThan(events.size() / 4);
        return arrival;
    }

    /** The functions' topics, in the order of {@link #topic}'s cases. */
    static final List<String> TOPICS = List.of("commerce.purchase.completed.v1", "commerce.cart.changed.v1", "shop.public.customers");

    static String topic(String function) {
        return switch (function) {
            case "purchase" -> "commerce.purchase.completed.v1";
            case "cart" -> "commerce.cart.changed.v1";
            case "customer" -> "shop.public.customers";
            default -> throw new IllegalArgumentException(function);
        };
    }

    static String function(String topic) {
        return switch (topic) {
            case "commerce.purchase.completed.v1" -> "purchase";
            case "commerce.cart.changed.v1" -> "cart";
            case "shop.public.customers" -> "customer";
            default -> throw new IllegalArgumentException(topic);
        };
    }

    /** The consumer group of a function's Kafka consumer (KafkaChannelConfigSource). */
    static String consumerGroup(String topic) {
        return "profile-functions-" + function(topic);
    }

    /** The record: binary-mode CloudEvents for purchase and cart, the plain Debezium envelope for customer. */
    static ProducerRecord<byte[], byte[]> record(GeneratedEvent e) {
        byte[] key = e.userId().getBytes(StandardCharsets.UTF_8);
        byte[] value = CloudEvents.json(e.data()).getBytes(StandardCharsets.UTF_8);
        return switch (e.function()) {
            case "customer" -> new ProducerRecord<>(topic("customer"), key, value);
            case "purchase" -> binary(topic("purchase"), CloudEvents.PURCHASE_TYPE, key, value, e);
            case "cart" -> binary(topic("cart"), "com.example.commerce.cart.changed.v1", key, value, e);
            default -> throw new IllegalArgumentException(e.function());
        };
    }

    /** Binary mode, written by the CloudEvents SDK's Kafka binding: ce_* headers, the data as the value. */
    private static ProducerRecord<byte[], byte[]> binary(String topic, String type, byte[] key, byte[] value, GeneratedEvent e) {
        return KafkaMessageFactory.createWriter(topic, key).writeBinary(CloudEvents.event(type, e.id(), e.source(), null, value));
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
}
