package com.example.profiles.lambda;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent.KafkaEventRecord;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Reading the event an Amazon MSK or self-managed Apache Kafka event source mapping invokes a
 * function with, AWS's own {@link KafkaEvent} (aws-lambda-java-events): records grouped by
 * "topic-partition", key and value base64, headers as lists of single-entry maps from the name to
 * the value's bytes (JSON numbers, which Jackson reads signed or unsigned alike). Funqy binds the
 * function's parameter to it (see the fixture {@code fixtures/aws/msk-kafka-event.json}).
 *
 * <p>KafkaEvent's partition and offset are primitives: a record without them would read as
 * partition 0, offset 0 (AWS always sends both); a record without a topic cannot be placed and is
 * refused. Registered for reflection, as Jackson binds it by its setters in a native executable too.
 */
@RegisterForReflection(targets = { KafkaEvent.class, KafkaEventRecord.class, KafkaEvent.TopicPartition.class })
final class KafkaEventRecords {

    private KafkaEventRecords() {
    }

    /** The topic-partition a record belongs to, as AWS names it: {@code <topic>-<partition>}. */
    static String topicPartition(KafkaEventRecord record) {
        return record.getTopic() + "-" + record.getPartition();
    }

    /**
     * The records per Kafka partition (by each record's own topic and partition, whatever the
     * grouping key says), each partition's records in offset order, partitions in a stable order.
     *
     * @throws IllegalArgumentException for a record without a topic: it cannot be identified, so
     *         neither applied in order nor reported as a failure
     */
    static Map<String, List<KafkaEventRecord>> byPartition(KafkaEvent event) {
        Map<String, List<KafkaEventRecord>> partitions = new LinkedHashMap<>();
        if (event == null || event.getRecords() == null) {
            return partitions;
        }
        event.getRecords().values().forEach(group -> {
            if (group == null) {
                return;
            }
            for (KafkaEventRecord record : group) {
                if (record == null || record.getTopic() == null) {
                    throw new IllegalArgumentException("a Kafka record without a topic: " + record);
                }
                partitions.computeIfAbsent(topicPartition(record), p -> new ArrayList<>()).add(record);
            }
        });
        partitions.values().forEach(list -> list.sort(Comparator.comparingLong(KafkaEventRecord::getOffset)));
        return partitions;
    }

    /** The headers as Kafka headers, in their order. */
    static Headers headers(KafkaEventRecord record) {
        RecordHeaders kafka = new RecordHeaders();
        List<Map<String, byte[]>> headers = record.getHeaders();
        if (headers != null) {
            for (Map<String, byte[]> header : headers) {
                if (header != null) {
                    header.forEach(kafka::add);
                }
            }
        }
        return kafka;
    }

    /** @throws IllegalArgumentException when the text is not base64 */
    static byte[] base64(String text) {
        return text == null ? null : Base64.getDecoder().decode(text);
    }
}
