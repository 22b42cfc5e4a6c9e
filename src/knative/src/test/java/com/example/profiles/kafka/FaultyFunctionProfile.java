package com.example.profiles.kafka;

import java.util.HashMap;
import java.util.Map;

import com.example.profiles.descriptor.FunctionDescriptor;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The application with {@link FaultyFunction} and its Kafka channel, configured as a descriptor
 * would configure it ({@code profiles.functions.faulty.*} and the channel of
 * {@link KafkaChannelConfigSource}). It has no HTTP entry point.
 */
public class FaultyFunctionProfile implements QuarkusTestProfile {

    static final String ENABLED = "test.faulty-function.enabled";
    static final String TYPE = "com.example.test.faulty.v1";
    static final String TOPIC = "test.faulty.v1";
    static final String DLQ = "test.faulty.v1.dlq";

    @Override
    public Map<String, String> getConfigOverrides() {
        FunctionDescriptor descriptor = new FunctionDescriptor(FaultyFunction.NAME, TYPE,
                new FunctionDescriptor.Trigger("event", TOPIC, DLQ, null, null, null), Map.of("kafkaBatchSize", 50));
        Map<String, String> config = new HashMap<>(KafkaChannelConfigSource.channelFor(descriptor));
        config.put("profiles.functions." + FaultyFunction.NAME + ".event-type", TYPE);
        config.put("profiles.functions." + FaultyFunction.NAME + ".topic", TOPIC);
        config.put("profiles.functions." + FaultyFunction.NAME + ".dead-letter-topic", DLQ);
        config.put(ENABLED, "true");
        return config;
    }
}
