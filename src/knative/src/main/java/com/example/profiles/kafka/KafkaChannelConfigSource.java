package com.example.profiles.kafka;

import java.util.HashMap;
import java.util.Map;

import io.smallrye.config.common.MapBackedConfigSource;

import com.example.profiles.descriptor.FunctionDescriptor;
import com.example.profiles.descriptor.FunctionDescriptorConfigSource;

/**
 * Gives every function whose descriptor names a topic a Kafka consumer: the channel
 * {@code mp.messaging.incoming.<name>.*} that {@link KafkaFunctions} reads. One setting switches all
 * of them on or off, {@code profiles.kafka.consumers.enabled} (default true): Knative Services set it
 * false, because there the Broker's Triggers and the KafkaSources deliver the same records over HTTP.
 * Ordinal 200, below application.properties, so any key can be overridden there.
 */
public class KafkaChannelConfigSource extends MapBackedConfigSource {

    public KafkaChannelConfigSource() {
        super("Kafka channels of functions/*/function.json", channels(), 200);
    }

    private static Map<String, String> channels() {
        Map<String, String> props = new HashMap<>();
        for (FunctionDescriptor descriptor : FunctionDescriptorConfigSource.load(Thread.currentThread().getContextClassLoader())) {
            props.putAll(channelFor(descriptor));
        }
        return Map.copyOf(props);
    }

    /** The channel one descriptor stands for (public for tests that add a function of their own). */
    public static Map<String, String> channelFor(FunctionDescriptor d) {
        Map<String, String> props = new HashMap<>();
        FunctionDescriptor.Trigger trigger = d.trigger();
        if (trigger == null || trigger.topic() == null) {
            return props;
        }
        String channel = "mp.messaging.incoming." + d.name() + ".";
        props.put(channel + "enabled", "${profiles.kafka.consumers.enabled:true}");
        props.put(channel + "connector", "smallrye-kafka");
        props.put(channel + "topic", trigger.topic());
        props.put(channel + "group.id", "profile-functions-" + d.name());
        // We read CloudEvents ourselves (binary and structured) with the CloudEvents SDK.
        props.put(channel + "cloud-events", "false");
        // No OpenTelemetry SDK is configured: the connector's tracing hooks would only load their
        // classes at start and wrap every record.
        props.put(channel + "tracing-enabled", "false");
        props.put(channel + "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put(channel + "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put(channel + "auto.offset.reset", "earliest");
        // Records of an aborted transaction (a dead-letter re-drive killed half-way) are never
        // seen: only what the re-drive committed, together with its ledger entry, reaches a function.
        props.put(channel + "isolation.level", "read_committed");
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
        // The records of one poll arrive as one batch, applied concurrently and acknowledged
        // together once every one is applied or dead-lettered (KafkaIntake).
        props.put(channel + "batch", "true");
        if (d.settings() != null && d.settings().get("kafkaBatchSize") instanceof Number batchSize) {
            props.put(channel + "max.poll.records", Integer.toString(batchSize.intValue()));
        }
        return props;
    }
}
