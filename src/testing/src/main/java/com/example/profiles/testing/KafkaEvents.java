package com.example.profiles.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.ProducerBuilder;

/**
 * Produces CloudEvents to the real broker and reads topics and committed offsets back, with the
 * Kafka companion Quarkus ships for tests ({@link KafkaCompanion}) and the CloudEvents SDK's Kafka
 * binding, which writes the records (binary mode: {@code ce_*} headers; structured mode: the
 * JSON document).
 */
public final class KafkaEvents implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaCompanion companion;
    private final ProducerBuilder<byte[], byte[]> producer;
    private final List<ProducerRecord<byte[], byte[]>> pending = new ArrayList<>();

    public KafkaEvents(String bootstrap) {
        this.companion = new KafkaCompanion(bootstrap);
        this.producer = companion.produce(byte[].class, byte[].class).withProp(ProducerConfig.ACKS_CONFIG, "all");
    }

    /** Binary content mode (CloudEvents Kafka binding): attributes as ce_* headers, data as the value. */
    public RecordMetadata sendBinary(String topic, String key, String type, String id, String source, Instant time, String dataJson) {
        return send(binaryRecord(topic, key, type, id, source, time, dataJson));
    }

    private static ProducerRecord<byte[], byte[]> binaryRecord(String topic, String key, String type, String id, String source, Instant time,
            String dataJson) {
        CloudEvent event = CloudEvents.event(type, id, source, time, bytes(dataJson));
        return KafkaMessageFactory.createWriter(topic, bytes(key)).writeBinary(event);
    }

    /**
     * Binary mode, sent later with the rest, for bulk loads; answers a sequence number to hand to
     * {@link #flushAndGetLastOffset}.
     */
    public long sendBinaryAsync(String topic, String key, String type, String id, String source, Instant time, String dataJson) {
        pending.add(binaryRecord(topic, key, type, id, source, time, dataJson));
        return pending.size() - 1;
    }

    /**
     * Sends every record given to {@link #sendBinaryAsync} since the last flush, in order, and waits
     * for the broker; answers the offset of the one numbered {@code sequence}.
     */
    public long flushAndGetLastOffset(long sequence) {
        try {
            // One record at a time (the companion's default): its answers come back in the order sent.
            List<RecordMetadata> sent = producer.fromRecords(new ArrayList<>(pending)).awaitCompletion(Duration.ofSeconds(120)).getRecords();
            if (sent.size() != pending.size()) {
                throw new IllegalStateException("sent " + sent.size() + " of " + pending.size() + " records");
            }
            return sent.get((int) sequence).offset();
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("could not produce", e);
        } finally {
            pending.clear();
        }
    }

    /** Structured content mode: the whole event as JSON, content-type application/cloudevents+json. */
    public RecordMetadata sendStructured(String topic, String key, Map<String, Object> event) {
        CloudEvent parsed = CloudEvents.FORMAT.deserialize(bytes(CloudEvents.json(event)));
        return send(KafkaMessageFactory.createWriter(topic, bytes(key)).writeStructured(parsed, CloudEvents.FORMAT));
    }

    /** Any bytes, no headers: what a misconfigured producer might write. */
    public RecordMetadata sendRaw(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, bytes(key), value));
    }

    /** Sends any record and waits for the broker. */
    public RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.fromRecords(record).awaitCompletion(SEND_TIMEOUT).getFirstRecord();
        } catch (RuntimeException | AssertionError e) {
            throw new IllegalStateException("could not produce to " + record.topic(), e);
        }
    }

    /** Every record of the topic from the beginning, read with a throwaway consumer group, for up to {@code wait}. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Duration wait) {
        try (var consumer = companion.consume(byte[].class, byte[].class)
                .withGroupId("test-reader-" + UUID.randomUUID())
                .withProp(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .withPollTimeout(Duration.ofMillis(200))) {
            return new ArrayList<>(consumer.fromTopics(topic, wait).awaitCompletion(wait.plusSeconds(30)).getRecords());
        }
    }

    /** The offset a consumer group has committed on partition 0 of the topic, or -1 if none. */
    public long committedOffset(String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> offsets = companion.consumerGroups().offsets(group);
        OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
        return offset == null ? -1 : offset.offset();
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
        companion.close();
    }
}
