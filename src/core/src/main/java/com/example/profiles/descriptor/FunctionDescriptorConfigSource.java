package com.example.profiles.descriptor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns every {@code functions/<name>/function.json} into default configuration that every binding
 * reads, so a function's event type and topics are written once, in its folder:
 * {@code profiles.functions.<name>.event-type|topic|dead-letter-topic}; and the freshness-lag alert
 * threshold of the profile source the function writes ({@code settings.freshnessLagP99ThresholdSeconds}
 * becomes {@code profiles.freshness.sources.<name>.lag-p99-threshold}), the one value the sweeper's
 * alert, the Prometheus rule (through the gauge the app exports) and the CloudWatch alarm (Terraform
 * reads the descriptor) all compare with. A binding that needs more
 * from the descriptors (the Knative type mapping, the Kafka consumers) has a source of its own built
 * on {@link #load(ClassLoader)}. Its ordinal (200) is below application.properties (250), so any of
 * these can be overridden there or by environment variables. The build writes
 * {@code functions/index.txt} (see src/core/pom.xml) because a class path cannot list a folder
 * inside a jar.
 */
public class FunctionDescriptorConfigSource extends MapBackedConfigSource {

    static final String INDEX = "functions/index.txt";

    public FunctionDescriptorConfigSource() {
        super("functions/*/function.json", fromDescriptors(), 200);
    }

    private static Map<String, String> fromDescriptors() {
        Map<String, String> props = new HashMap<>();
        for (FunctionDescriptor descriptor : load(Thread.currentThread().getContextClassLoader())) {
            props.putAll(configFor(descriptor));
        }
        return Map.copyOf(props);
    }

    /** Reads every descriptor listed in the index; an artifact without an index has no functions. */
    public static List<FunctionDescriptor> load(ClassLoader loader) {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        List<FunctionDescriptor> descriptors = new ArrayList<>();
        for (String name : readIndex(loader)) {
            String path = "functions/" + name + "/function.json";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException(INDEX + " names " + name + " but " + path + " is not on the class path");
                }
                FunctionDescriptor descriptor = mapper.readValue(in, FunctionDescriptor.class);
                if (!name.equals(descriptor.name())) {
                    throw new IllegalStateException(path + " says its name is '" + descriptor.name() + "'; it must match its folder");
                }
                descriptors.add(descriptor);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + path, e);
            }
        }
        return descriptors;
    }

    private static List<String> readIndex(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        try (InputStream in = loader.getResourceAsStream(INDEX)) {
            if (in == null) {
                return names;
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null;) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + INDEX, e);
        }
    }

    /** The descriptor setting that holds the freshness-lag alert threshold of the function's source. */
    public static final String LAG_THRESHOLD_SETTING = "freshnessLagP99ThresholdSeconds";

    static Map<String, String> configFor(FunctionDescriptor d) {
        Map<String, String> props = new HashMap<>();
        String fn = d.name();
        props.put("profiles.functions." + fn + ".event-type", d.eventType());
        Object lagThreshold = d.settings() == null ? null : d.settings().get(LAG_THRESHOLD_SETTING);
        if (lagThreshold != null) {
            if (!(lagThreshold instanceof Number seconds) || seconds.doubleValue() <= 0 || seconds.doubleValue() != Math.rint(seconds.doubleValue())) {
                throw new IllegalStateException("functions/" + fn + "/function.json: settings." + LAG_THRESHOLD_SETTING
                        + " must be a whole number of seconds above 0, not " + lagThreshold);
            }
            props.put("profiles.freshness.sources." + fn + ".lag-p99-threshold", "PT" + seconds.longValue() + "S");
        }
        FunctionDescriptor.Trigger trigger = d.trigger();
        if (trigger != null && trigger.topic() != null) {
            props.put("profiles.functions." + fn + ".topic", trigger.topic());
            if (trigger.deadLetterTopic() != null) {
                props.put("profiles.functions." + fn + ".dead-letter-topic", trigger.deadLetterTopic());
            }
        }
        return props;
    }
}
