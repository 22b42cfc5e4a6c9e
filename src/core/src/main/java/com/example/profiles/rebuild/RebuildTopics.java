package com.example.profiles.rebuild;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.example.profiles.store.Generation;

/**
 * How a rebuild reads the functions' topics: its own consumer group per generation (whose committed
 * offsets are where a stopped run goes on), every partition assigned, read committed.
 */
final class RebuildTopics {

    private RebuildTopics() {
    }

    static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> kafka, RebuildSettings settings, Generation target) {
        Properties props = new Properties();
        kafka.forEach((key, value) -> {
            if (value != null) {
                props.put(key, value.toString());
            }
        });
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupPrefix() + target.number());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.batchSize()));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, Set<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    static boolean readTo(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < end.get(partition)) {
                return false;
            }
        }
        return true;
    }

    /** Where a resumed rebuild left off (its group's committed offsets), else the earliest retained record. */
    static void resume(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            var offset = committed.get(partition);
            if (offset == null) {
                fresh.add(partition);
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
        // Not with an empty list: that is "every assigned partition", which would undo the seeks above.
        if (!fresh.isEmpty()) {
            consumer.seekToBeginning(fresh);
        }
    }

    static void reportRetention(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<String, Long> notRetained,
            PrintStream out) {
        consumer.beginningOffsets(partitions).forEach((partition, first) -> {
            if (first > 0) {
                notRetained.put(partition.toString(), first);
                out.printf("rebuild: %s no longer retains its first %d records: what they held cannot be rebuilt%n", partition, first);
            }
        });
        if (notRetained.isEmpty()) {
            out.println("rebuild: every partition still holds its whole history");
        }
    }
}
