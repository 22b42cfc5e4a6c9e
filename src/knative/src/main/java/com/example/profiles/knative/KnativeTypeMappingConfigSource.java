package com.example.profiles.knative;

import java.util.HashMap;
import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

import com.example.profiles.descriptor.FunctionDescriptor;
import com.example.profiles.descriptor.FunctionDescriptorConfigSource;

/**
 * Routes each CloudEvent type to its function: {@code quarkus.funqy.knative-events.mapping.<name>.trigger}
 * is the descriptor's {@code eventType}, and a function answers with {@code <eventType>.applied}.
 * A job (the rebuild) takes no event here. Ordinal 200, below application.properties, so a Service can map another type by environment (the
 * customer Service maps the KafkaSource's {@code dev.knative.kafka.event}).
 */
public class KnativeTypeMappingConfigSource extends MapBackedConfigSource {

    public KnativeTypeMappingConfigSource() {
        super("Knative type mapping of functions/*/function.json", mappings(), 200);
    }

    private static Map<String, String> mappings() {
        Map<String, String> props = new HashMap<>();
        for (FunctionDescriptor d : FunctionDescriptorConfigSource.load(Thread.currentThread().getContextClassLoader())) {
            if (d.trigger() != null && "job".equals(d.trigger().kind())) {
                continue; // a one-off job runs on start (profiles.<name>.run), no event reaches it here
            }
            props.put("quarkus.funqy.knative-events.mapping." + d.name() + ".trigger", d.eventType());
            props.put("quarkus.funqy.knative-events.mapping." + d.name() + ".response-type", d.eventType() + ".applied");
        }
        return Map.copyOf(props);
    }
}
