package com.example.profiles.lambda;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The event an Amazon MSK or self-managed Apache Kafka event source mapping invokes a function
 * with: records grouped by "topic-partition", each record's key and value base64-encoded.
 * Funqy's Lambda binding has no Kafka event type of its own, so this is the shape bound to the
 * function's parameter (see the fixture {@code ../shared/fixtures/aws/msk-kafka-event.json}).
 *
 * @param eventSource {@code aws:kafka} (Amazon MSK) or {@code SelfManagedKafka}
 * @param eventSourceArn the MSK cluster; absent for self-managed Kafka
 * @param records per "topic-partition", the records in offset order
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
public record KafkaBatch(String eventSource, String eventSourceArn, String bootstrapServers, Map<String, List<KafkaBatchRecord>> records) {

    /**
     * One Kafka record as the event source mapping delivers it.
     *
     * @param key base64, absent when the record has no key
     * @param value base64, absent or null for a tombstone
     * @param headers a list of single-entry maps, header name to the value's bytes (as JSON numbers)
     */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KafkaBatchRecord(String topic, Integer partition, Long offset, Long timestamp, String timestampType, String key,
            String value, List<Map<String, int[]>> headers) {

        /** The topic-partition this record belongs to, as AWS names it: {@code <topic>-<partition>}. */
        public String topicPartition() {
            return topic + "-" + partition;
        }

        /** @throws IllegalArgumentException when the key is not base64 */
        public byte[] keyBytes() {
            return key == null ? null : Base64.getDecoder().decode(key);
        }

        /** @throws IllegalArgumentException when the value is not base64 */
        public byte[] valueBytes() {
            return value == null ? null : Base64.getDecoder().decode(value);
        }

        /**
         * The headers as Kafka headers, in their order. A value is a list of byte values, signed
         * (-128..127) or unsigned (0..255): both become the same byte.
         */
        public Headers kafkaHeaders() {
            RecordHeaders kafka = new RecordHeaders();
            if (headers != null) {
                for (Map<String, int[]> header : headers) {
                    if (header == null) {
                        continue;
                    }
                    header.forEach((name, numbers) -> {
                        byte[] bytes = null;
                        if (numbers != null) {
                            bytes = new byte[numbers.length];
                            for (int i = 0; i < numbers.length; i++) {
                                bytes[i] = (byte) numbers[i];
                            }
                        }
                        kafka.add(name, bytes);
                    });
                }
            }
            return kafka;
        }
    }

    /**
     * The records per Kafka partition (by each record's own topic and partition, whatever the
     * grouping key says), each partition's records in offset order, partitions in a stable order.
     *
     * @throws IllegalArgumentException for a record without topic, partition or offset: it cannot
     *         be identified, so neither applied in order nor reported as a failure
     */
    public Map<String, List<KafkaBatchRecord>> byPartition() {
        Map<String, List<KafkaBatchRecord>> partitions = new LinkedHashMap<>();
        if (records == null) {
            return partitions;
        }
        records.values().forEach(group -> {
            if (group == null) {
                return;
            }
            for (KafkaBatchRecord record : group) {
                if (record == null || record.topic() == null || record.partition() == null || record.offset() == null) {
                    throw new IllegalArgumentException("a Kafka record without topic, partition or offset: " + record);
                }
                partitions.computeIfAbsent(record.topicPartition(), p -> new ArrayList<>()).add(record);
            }
        });
        partitions.values().forEach(list -> list.sort(Comparator.comparingLong(KafkaBatchRecord::offset)));
        return partitions;
    }
}
