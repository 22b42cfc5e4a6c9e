package com.example.profiles.intake;

import org.apache.kafka.common.header.Headers;

import com.example.profiles.core.EventIntake.Decoded;

/**
 * Turns one Kafka record into an event. Most functions read CloudEvents
 * ({@link CloudEventDecoder}); a function fed by another system's topic (Debezium) reads that
 * system's format. Shared by the Kafka consumer and the Lambda MSK batch handler.
 */
@FunctionalInterface
public interface RecordDecoder<T> {

    /**
     * @param topic, partition, offset where the record came from (an identity for records that carry none)
     * @throws com.example.profiles.core.InvalidEventException when the record can never be applied
     */
    Decoded<T> decode(String topic, int partition, long offset, Headers headers, byte[] key, byte[] value);
}
