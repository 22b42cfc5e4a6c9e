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
 * Turns every {@code functions/<name>/function.json} into default configuration, so a function's
 * event type and topic are written once, in its folder:
 * <ul>
 * <li>{@code quarkus.funqy.knative-events.mapping.<name>.trigger} = the event type (Knative routing);</li>
 * <li>{@code mp.messaging.incoming.<name>.*} = a Kafka consumer of the function's topic (disabled in
 * the AWS Lambda binding, where the event source mapping reads the topic and hands the function
 * batches);</li>
 * <li>{@code profiles.functions.<name>.event-type|topic|dead-letter-topic}, read by the code.</li>
 * </ul>
 * Its ordinal (200) is below application.properties (250), so any of these can be overridden there
 * or by environment variables. The build writes {@code functions/index.txt} (see pom.xml) because
 * a class path cannot list a folder inside a jar.
 */
public class FunctionDescriptorConfigSource extends MapBackedConfigSource {

    static final String INDEX = "functions/index.txt";

    /** Funqy's Knative keys only mean something (and are only recognised) in the Knative build. */
    private static final boolean KNATIVE_BINDING = onClassPath("io.quarkus.funqy.knative.events.CloudEvent");

    /**
     * In the Lambda binding an event source mapping polls the topics; a consumer of our own in every
     * Lambda instance would read the same records a second time, outside Lambda's control.
     */
    private static final boolean LAMBDA_BINDING = onClassPath("io.quarkus.amazon.lambda.runtime.AmazonLambdaContext");

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

    /** The configuration one descriptor stands for (public for tests that add a function of their own). */
    public static Map<String, String> configFor(FunctionDescriptor d) {
        return configFor(d, LAMBDA_BINDING);
    }

    static Map<String, String> configFor(FunctionDescriptor d, boolean lambdaBinding) {
        Map<String, String> props = new HashMap<>();
        String fn = d.name();
        if (KNATIVE_BINDING) {
            props.put("quarkus.funqy.knative-events.mapping." + fn + ".trigger", d.eventType());
            props.put("quarkus.funqy.knative-events.mapping." + fn + ".response-type", d.eventType() + ".applied");
        }
        props.put("profiles.functions." + fn + ".event-type", d.eventType());
        FunctionDescriptor.Trigger trigger = d.trigger();
        if (trigger != null && trigger.topic() != null) {
            String channel = "mp.messaging.incoming." + fn + ".";
            props.put(channel + "connector", "smallrye-kafka");
            props.put(channel + "topic", trigger.topic());
            props.put(channel + "group.id", "profile-functions-" + fn);
            // We read CloudEvents ourselves (binary and structured) with the CloudEvents SDK.
            props.put(channel + "cloud-events", "false");
            props.put(channel + "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
            props.put(channel + "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
            props.put(channel + "auto.offset.reset", "earliest");
            // Every record ends applied, dead-lettered or retried in place (KafkaIntake), so nothing is
            // ever nacked; were it, stopping beats skipping a record.
            props.put(channel + "failure-strategy", "fail");
            props.put(channel + "commit-strategy", "throttled");
            // The throttled strategy would fail the channel (for good: TooManyMessagesWithoutAck) once
            // a record waits unacknowledged for 60 s, i.e. in any Redis outage longer than that, while
            // KafkaIntake retries it in place until Redis is back. Waiting is what we want, and a
            // waiting batch makes the connector pause its partitions, so memory stays bounded: off.
            props.put(channel + "throttled.unprocessed-record-max-age.ms", "0");
            // The connector's own graceful shutdown sleeps twice the poll timeout per consumer, one
            // consumer after another (3 s each), then waits for unacknowledged records after Redis is
            // already closed. GracefulShutdown drains the batches in flight first instead.
            props.put(channel + "graceful-shutdown", "false");
            if (lambdaBinding) {
                props.put(channel + "enabled", "false");
            }
            // The records of one poll arrive as one batch, applied concurrently and acknowledged
            // together once every one is applied or dead-lettered (KafkaIntake).
            props.put(channel + "batch", "true");
            if (d.settings() != null && d.settings().get("kafkaBatchSize") instanceof Number batchSize) {
                props.put(channel + "max.poll.records", Integer.toString(batchSize.intValue()));
            }
            props.put("profiles.functions." + fn + ".topic", trigger.topic());
            if (trigger.deadLetterTopic() != null) {
                props.put("profiles.functions." + fn + ".dead-letter-topic", trigger.deadLetterTopic());
            }
        }
        return props;
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, FunctionDescriptorConfigSource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
