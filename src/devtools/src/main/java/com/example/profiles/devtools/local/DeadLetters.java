package com.example.profiles.devtools.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a function's dead-letter topic from the beginning, without a consumer group. */
final class DeadLetters implements AutoCloseable {

    final String topic;
    final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
    private final String bootstrapServers;
    private KafkaConsumer<byte[], byte[]> consumer;

    DeadLetters(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /** The dead-letter copy of the record sent at {@code sent}, or null if none came in time. */
    ConsumerRecord<byte[], byte[]> awaitCopyOf(RecordMetadata sent, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (ConsumerRecord<byte[], byte[]> r : seen) {
                if (sent.topic().equals(header(r, "dead-letter-topic"))
                        && Integer.toString(sent.partition()).equals(header(r, "dead-letter-partition"))
                        && Long.toString(sent.offset()).equals(header(r, "dead-letter-offset"))) {
                    return r;
                }
            }
            poll(Duration.ofMillis(200));
        } while (System.nanoTime() < deadline);
        return null;
    }

    void poll(Duration duration) {
        if (consumer == null) {
            consumer = open();
            if (consumer == null) {
                return; // the topic does not exist (yet)
            }
        }
        consumer.poll(duration).forEach(seen::add);
    }

    private KafkaConsumer<byte[], byte[]> open() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "replay-dead-letters");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        List<PartitionInfo> partitions = c.partitionsFor(topic, Duration.ofSeconds(10));
        if (partitions == null || partitions.isEmpty()) {
            c.close();
            return null;
        }
        List<TopicPartition> assigned = partitions.stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
        c.assign(assigned);
        c.seekToBeginning(assigned);
        return c;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The record's last header of that name as text, or null. */
    static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
