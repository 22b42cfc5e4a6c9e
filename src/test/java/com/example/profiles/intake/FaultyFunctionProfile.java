package com.example.profiles.intake;

import java.util.HashMap;
import java.util.Map;

import com.example.profiles.descriptor.FunctionDescriptor;
import com.example.profiles.descriptor.FunctionDescriptorConfigSource;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The application with {@link FaultyFunction} and its Kafka channel, configured as a descriptor would configure it. */
public class FaultyFunctionProfile implements QuarkusTestProfile {

    static final String ENABLED = "test.faulty-function.enabled";
    static final String TYPE = "com.example.test.faulty.v1";
    static final String TOPIC = "test.faulty.v1";
    static final String DLQ = "test.faulty.v1.dlq";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(FunctionDescriptorConfigSource.configFor(new FunctionDescriptor(FaultyFunction.NAME, TYPE,
                new FunctionDescriptor.Trigger("event", TOPIC, DLQ, null, null, null), Map.of("kafkaBatchSize", 50))));
        // It has no Funqy (HTTP) entry point, only its Kafka channel.
        config.keySet().removeIf(key -> key.startsWith("quarkus.funqy."));
        config.put(ENABLED, "true");
        return config;
    }
}
