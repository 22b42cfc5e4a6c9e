package com.example.profiles.devtools.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sends a sample through its function's Kafka topic, as a binary-mode CloudEvent or as the plain
 * Debezium record the connector would write, and prints its outcome once the app has counted it.
 * Keeps each function's dead-letter topic open, to find the copy of an invalid record.
 */
final class KafkaSender implements AutoCloseable {

    /** How long a Kafka record may take to be consumed (the first waits for the consumer group to form). */
    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);

    private final ObjectMapper json;
    private final FunctionApp app;
    private final ReplayLog log;
    private final KafkaProducer<byte[], byte[]> producer;
    /** By function name. */
    private final Map<String, DeadLetters> deadLetters = new LinkedHashMap<>();
    /** By function name: how many invalid records were sent to Kafka, each of which must be dead-lettered. */
    private final Map<String, Integer> deadLettersExpected = new LinkedHashMap<>();

    KafkaSender(ObjectMapper json, FunctionApp app, ReplayLog log, String bootstrapServers, List<FunctionDescriptor> functions) {
        this.json = json;
        this.app = app;
        this.log = log;
        this.producer = new KafkaProducer<>(producerProperties(bootstrapServers));
        for (FunctionDescriptor function : functions) {
            if (function.deadLetterTopic() != null) {
                deadLetters.put(function.name(), new DeadLetters(bootstrapServers, function.deadLetterTopic()));
            }
        }
    }

    Map<String, DeadLetters> deadLetters() {
        return deadLetters;
    }

    Map<String, Integer> deadLettersExpected() {
        return deadLettersExpected;
    }

    private static Properties producerProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "replay-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    /**
     * Produces the event in binary mode (CloudEvents Kafka binding: {@code ce_*} headers, the
     * {@code content-type} header, data as value), keyed by user so one shopper's events stay in
     * order, then waits for the app to count its outcome.
     */
    String send(Sample sample) throws Exception {
        FunctionDescriptor function = sample.function();
        RecordHeaders headers = new RecordHeaders();
        byte[] key = keyAndHeaders(sample, headers);
        String transport = function.debezium() ? "Kafka-dbz" : "Kafka";

        FunctionApp.Outcomes before = app.kafkaOutcomes(function.name());
        RecordMetadata sent;
        try {
            sent = producer.send(new ProducerRecord<>(function.topic(), null, key, BinaryMode.data(json, sample.event()), headers)).get();
        } catch (Exception e) {
            return log.event(sample, transport, "failed", "could not produce to " + function.topic() + ": " + e.getMessage());
        }
        return awaitOutcome(sample, transport, before, sent);
    }

    /** Fills in the record's headers; returns its key. */
    private byte[] keyAndHeaders(Sample sample, RecordHeaders headers) throws JsonProcessingException {
        if (sample.function().debezium()) {
            // What the Debezium JSON converter writes: the change as the value, the row key as JSON key.
            return sample.userId() == null ? null : json.writeValueAsBytes(Map.of("id", sample.userId()));
        }
        BinaryMode.attributes(sample.event()).forEach((name, value) -> headers.add("ce_" + name, value.getBytes(StandardCharsets.UTF_8)));
        headers.add("content-type", BinaryMode.contentType(sample.event()).getBytes(StandardCharsets.UTF_8));
        return sample.userId() == null ? null : sample.userId().getBytes(StandardCharsets.UTF_8);
    }

    private String awaitOutcome(Sample sample, String transport, FunctionApp.Outcomes before, RecordMetadata sent) throws Exception {
        String where = sample.function().topic() + "/" + sent.partition() + "@" + sent.offset();
        // The consumer counts every outcome in profile_events_total{trigger="kafka"}; "failed" means
        // Redis trouble and is retried, so every other outcome is final.
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            FunctionApp.Outcomes now = app.kafkaOutcomes(sample.function().name());
            for (String outcome : now.byOutcome().keySet()) {
                if (!outcome.equals("failed") && now.get(outcome) > before.get(outcome)) {
                    return outcome(sample, transport, outcome, where, sent);
                }
            }
            Thread.sleep(100);
        }
        return log.event(sample, transport, "failed", where + " was not consumed within " + CONSUME_TIMEOUT.toSeconds()
                + " s (see target/local-stack/functions.log)");
    }

    private String outcome(Sample sample, String transport, String outcome, String where, RecordMetadata sent) throws Exception {
        String user = sample.userId();
        switch (outcome) {
            case "applied": {
                JsonNode profile = user == null ? null : app.profile(user);
                String version = profile == null ? "?" : profile.path("version").asText();
                return log.event(sample, transport, "applied", where + "; profile " + user + " now v" + version);
            }
            case "duplicate":
                return log.event(sample, transport, "duplicate", where + "; this event was applied before");
            case "stale":
                return log.event(sample, transport, "stale", where + "; newer state is already in profile " + user + ", nothing changed");
            case "erased":
                return log.event(sample, transport, "erased", where + "; profile " + user + " erased");
            case "invalid":
                return deadLettered(sample, transport, where, sent);
            default:
                return log.event(sample, transport, outcome, where);
        }
    }

    private String deadLettered(Sample sample, String transport, String where, RecordMetadata sent) {
        DeadLetters topic = deadLetters.get(sample.function().name());
        if (topic == null) {
            return log.event(sample, transport, "invalid", where + "; the function names no dead-letter topic");
        }
        deadLettersExpected.merge(sample.function().name(), 1, Integer::sum);
        ConsumerRecord<byte[], byte[]> copy = topic.awaitCopyOf(sent, DEAD_LETTER_TIMEOUT);
        if (copy == null) {
            return log.event(sample, transport, "failed", where + " was invalid but did not reach " + topic.topic + " within "
                    + DEAD_LETTER_TIMEOUT.toSeconds() + " s");
        }
        return log.event(sample, transport, "dead-lettered", "to " + topic.topic + "/" + copy.partition() + "@" + copy.offset()
                + ": " + DeadLetters.header(copy, "dead-letter-reason"));
    }

    /** Closes the dead-letter readers, then the producer. */
    @Override
    public void close() {
        try {
            deadLetters.values().forEach(DeadLetters::close);
        } finally {
            producer.close();
        }
    }
}
