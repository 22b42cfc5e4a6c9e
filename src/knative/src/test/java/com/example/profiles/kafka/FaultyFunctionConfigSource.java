package com.example.profiles.kafka;

import java.util.HashMap;
import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

import com.example.profiles.descriptor.FunctionDescriptor;

/**
 * Configures {@link FaultyFunction} in every test application of this module (registered in the
 * test resources' META-INF/services), as a descriptor would configure a function:
 * {@code profiles.functions.faulty.*} and the channel of {@link KafkaChannelConfigSource}. In every
 * test application rather than a test profile of its own, because a profile restarts the
 * application twice in the suite. It only reads its own topic; it has no HTTP entry point.
 */
public class FaultyFunctionConfigSource extends MapBackedConfigSource {

    static final String TYPE = "com.example.test.faulty.v1";
    static final String TOPIC = "test.faulty.v1";
    static final String DLQ = "test.faulty.v1.dlq";

    public FaultyFunctionConfigSource() {
        super("test-only function 'faulty'", config(), 200);
    }

    private static Map<String, String> config() {
        FunctionDescriptor descriptor = new FunctionDescriptor(FaultyFunction.NAME, TYPE,
                new FunctionDescriptor.Trigger("event", TOPIC, DLQ, null, null, null), Map.of("kafkaBatchSize", 50));
        Map<String, String> config = new HashMap<>(KafkaChannelConfigSource.channelFor(descriptor));
        config.put("profiles.functions." + FaultyFunction.NAME + ".event-type", TYPE);
        config.put("profiles.functions." + FaultyFunction.NAME + ".topic", TOPIC);
        config.put("profiles.functions." + FaultyFunction.NAME + ".dead-letter-topic", DLQ);
        return Map.copyOf(config);
    }
}
