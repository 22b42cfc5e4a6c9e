package com.example.profiles.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Produces CloudEvents to the real broker and reads topics and committed offsets back. */
public final class KafkaEvents implements AutoCloseable {

    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaEvents(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props);
    }

    /** Binary content mode (CloudEvents Kafka binding): attributes as ce_* headers, data as the value. */
    public RecordMetadata sendBinary(String topic, String key, String type, String id, String source, Instant time, String dataJson) {
        return send(binaryRecord(topic, key, type, id, source, time, dataJson));
    }

    private static ProducerRecord<byte[], byte[]> binaryRecord(String topic, String key, String type, String id, String source, Instant time,
            String dataJson) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, bytes(key), bytes(dataJson));
        record.headers().add("ce_specversion", bytes("1.0"));
        record.headers().add("ce_id", bytes(id));
        record.headers().add("ce_source", bytes(source));
        record.headers().add("ce_type", bytes(type));
        if (time != null) {
            record.headers().add("ce_time", bytes(time.toString()));
        }
        record.headers().add("content-type", bytes("application/json"));
        return record;
    }

    /**
     * Binary mode without waiting for the broker, for bulk loads; answers a sequence number to hand
     * to {@link #flushAndGetLastOffset}.
     */
    public long sendBinaryAsync(String topic, String key, String type, String id, String source, Instant time, String dataJson) {
        pending.add(producer.send(binaryRecord(topic, key, type, id, source, time, dataJson)));
        return pending.size() - 1;
    }

    /** Waits for every async send; answers the offset of the one numbered {@code sequence}. */
    public long flushAndGetLastOffset(long sequence) {
        producer.flush();
        try {
            long offset = pending.get((int) sequence).get(30, TimeUnit.SECONDS).offset();
            for (var future : pending) {
                future.get(30, TimeUnit.SECONDS);
            }
            pending.clear();
            return offset;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not produce", e);
        }
    }

    private final List<java.util.concurrent.Future<RecordMetadata>> pending = new ArrayList<>();

    /** Structured content mode: the whole event as JSON, content-type application/cloudevents+json. */
    public RecordMetadata sendStructured(String topic, String key, Map<String, Object> event) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, bytes(key), bytes(CloudEvents.json(event)));
        record.headers().add("content-type", bytes("application/cloudevents+json; charset=UTF-8"));
        return send(record);
    }

    /** Any bytes, no headers: what a misconfigured producer might write. */
    public RecordMetadata sendRaw(String topic, String key, byte[] value) {
        return send(new ProducerRecord<>(topic, bytes(key), value));
    }

    /** Sends any record and waits for the broker. */
    public RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not produce to " + record.topic(), e);
        }
    }

    /** Every record of the topic from the beginning, read with a throwaway consumer, for up to {@code wait}. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Duration wait) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The offset a consumer group has committed on partition 0 of the topic, or -1 if none. */
    public long committedOffset(String group, String topic) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
            return offset == null ? -1 : offset.offset();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read offsets of " + group, e);
        }
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
        producer.close(Duration.ofSeconds(5));
    }
}
