package com.example.profiles.devtools.redrive;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.redrive.DeadLetterRedrive.Report;
import com.example.profiles.devtools.redrive.DeadLetterRedrive.Selection;
import com.example.profiles.devtools.servers.KafkaBroker;

/**
 * The re-drive against a real broker: letters of both writers (the app's dead-letter headers,
 * Knative's error extensions), chosen by reason and time, sent back byte for byte without the
 * dead-letter headers, never twice, also when the re-drive is killed half-way.
 */
class DeadLetterRedriveTest {

    private static final Instant LONG_AGO = Instant.parse("2026-01-05T10:00:00Z");
    private static KafkaBroker kafka;

    @BeforeAll
    static void start() {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void chosenLettersGoBackOnceAsTheyWereBeforeTheyWereDeadLettered() {
        kafka.createTopics(2, "t1", "t1.dlq");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(ours("t1.dlq", 0, "u1", "e1", "data.currency: SEK is not one of the configured currencies", null));
            producer.send(ours("t1.dlq", 1, "u2", "e2", "data.currency: SEK is not one of the configured currencies", null));
            producer.send(ours("t1.dlq", 0, "u3", "e3", "data.items[0].quantity: must be greater than 0", null));
            producer.send(ours("t1.dlq", 1, "u4", "e4", "data.currency: NOK is not one of the configured currencies", LONG_AGO));
            producer.send(knative("t1.dlq", "u5", "e5", "data.currency", "SEK is not one of the configured currencies"));
            ProducerRecord<byte[], byte[]> omitted = ours("t1.dlq", 0, "u6", "e6", "data.currency: SEK is not one of the configured currencies", null);
            omitted.headers().add("dead-letter-value-omitted", "2000000 bytes of value are not copied".getBytes(UTF_8));
            producer.send(new ProducerRecord<>("t1.dlq", 0, null, omitted.key(), new byte[0], omitted.headers()));
            producer.flush();
        }
        DeadLetterRedrive redrive = new DeadLetterRedrive(client(), "t1.dlq", "t1", DeadLetterRedrive.ledgerFor("t1.dlq"));
        Selection currencyThisYear = new Selection(List.of("CURRENCY"), Instant.parse("2026-06-01T00:00:00Z"), null);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Report dry = redrive.run(currencyThisYear, true, new PrintStream(printed, true, UTF_8));
        assertThat(dry.read()).isEqualTo(6);
        assertThat(dry.notSelected()).isEqualTo(2); // the quantity letter, and the NOK letter from before the range
        assertThat(dry.sent()).isEqualTo(3);
        assertThat(dry.byReason().get("data.currency: SEK is not one of the configured currencies").valueOmitted()).isEqualTo(1);
        assertThat(dry.byReason()).containsKey("HTTP 400: data.currency: SEK is not one of the configured currencies");
        assertThat(printed.toString(UTF_8)).contains("would send t1.dlq", "dry run: 6 dead letters read", "would send 3 to t1", "cannot re-drive")
                .doesNotContain("u1", "e1"); // letters are named by their place, never by what they hold
        assertThat(read("t1")).as("a dry run sends nothing").isEmpty();

        Report sent = redrive.run(currencyThisYear, false, new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        assertThat(sent.sent()).isEqualTo(3);
        List<ConsumerRecord<byte[], byte[]>> back = read("t1");
        assertThat(back).extracting(r -> new String(r.key(), UTF_8)).containsExactlyInAnyOrder("u1", "u2", "u5");
        for (ConsumerRecord<byte[], byte[]> record : back) {
            String user = new String(record.key(), UTF_8);
            assertThat(new String(record.value(), UTF_8)).isEqualTo(value(user));
            assertThat(record.headers().lastHeader("ce_id").value()).isNotNull();
            for (Header header : record.headers()) {
                assertThat(header.key()).doesNotStartWith("dead-letter-").doesNotStartWith("ce_knativeerror");
            }
        }

        Report again = redrive.run(currencyThisYear, false, new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        assertThat(again.sent()).isZero();
        assertThat(again.byReason().values().stream().mapToLong(DeadLetterRedrive.Count::alreadyRedriven).sum()).isEqualTo(3);
        assertThat(read("t1")).hasSize(3);

        // The rest, once their cause is fixed too: everything not sent yet, and nothing twice.
        Report rest = redrive.run(Selection.all(), false, new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        assertThat(rest.sent()).isEqualTo(2);
        assertThat(read("t1")).extracting(r -> new String(r.key(), UTF_8)).containsExactlyInAnyOrder("u1", "u2", "u3", "u4", "u5");
    }

    @Test
    void aReDriveKilledHalfWaySendsEachLetterOnceWhenRunAgain() throws Exception {
        kafka.createTopics(3, "t2", "t2.dlq");
        int letters = 6_000;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < letters; i++) {
                producer.send(ours("t2.dlq", i % 3, "user-" + i, "event-" + i, "data.currency: SEK is not one of the configured currencies", null));
            }
            producer.flush();
        }
        Path functions = Files.createTempDirectory("redrive-functions");
        Files.createDirectories(functions.resolve("fn"));
        Files.writeString(functions.resolve("fn/function.json"), "{\"name\":\"fn\",\"trigger\":{\"topic\":\"t2\",\"deadLetterTopic\":\"t2.dlq\"}}");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), DeadLetterRedrive.class.getName(), "--function", "fn", "--functions", functions.toString(),
                "--bootstrap-servers", kafka.bootstrapServers()).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
                if (line.startsWith("sent 1000 so far")) {
                    child.destroyForcibly(); // SIGKILL, mid-run: a transaction may be open
                    break;
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("the child got half-way before it was killed").anyMatch(line -> line.startsWith("sent 1000 so far"));

        Report rest = new DeadLetterRedrive(client(), "t2.dlq", "t2", DeadLetterRedrive.ledgerFor("t2.dlq"))
                .run(Selection.all(), false, new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
        // What the killed run committed is not sent again; what it had open was aborted and is.
        assertThat(rest.sent()).isBetween(1L, letters - 1_000L);
        Map<String, Integer> times = new HashMap<>();
        read("t2").forEach(r -> times.merge(new String(r.key(), UTF_8), 1, Integer::sum));
        assertThat(times).hasSize(letters);
        assertThat(times.values()).containsOnly(1);
    }

    // --- helpers

    private static String value(String user) {
        return "{\"userId\":\"" + user + "\",\"currency\":\"SEK\"}";
    }

    /** A letter as the app's consumers or the Lambda handler write it. */
    private static ProducerRecord<byte[], byte[]> ours(String topic, int partition, String user, String eventId, String reason, Instant at) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", eventId.getBytes(UTF_8));
        headers.add("ce_type", "com.example.commerce.purchase.completed.v1".getBytes(UTF_8));
        headers.add("dead-letter-reason", reason.getBytes(UTF_8));
        headers.add("dead-letter-function", "purchase".getBytes(UTF_8));
        headers.add("dead-letter-topic", topic.replace(".dlq", "").getBytes(UTF_8));
        headers.add("dead-letter-partition", "0".getBytes(UTF_8));
        headers.add("dead-letter-offset", "42".getBytes(UTF_8));
        return new ProducerRecord<>(topic, partition, at == null ? null : at.toEpochMilli(), user.getBytes(UTF_8), value(user).getBytes(UTF_8),
                headers);
    }

    /** A letter as Knative's KafkaSink writes it: the CloudEvent in binary mode with Knative's error extensions. */
    private static ProducerRecord<byte[], byte[]> knative(String topic, String user, String eventId, String field, String message) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", eventId.getBytes(UTF_8));
        headers.add("ce_specversion", "1.0".getBytes(UTF_8));
        headers.add("ce_knativeerrordest", "http://profiles-purchase.profiles.svc.cluster.local".getBytes(UTF_8));
        headers.add("ce_knativeerrorcode", "400".getBytes(UTF_8));
        String answer = "{\"error\":\"invalid event\",\"violations\":[{\"field\":\"" + field + "\",\"message\":\"" + message + "\"}]}";
        headers.add("ce_knativeerrordata", Base64.getEncoder().encode(answer.getBytes(UTF_8)));
        return new ProducerRecord<>(topic, 0, null, user.getBytes(UTF_8), value(user).getBytes(UTF_8), headers);
    }

    private static Properties client() {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return client;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = client();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** What a read_committed consumer (as the functions' consumers are) sees on the topic now. */
    private static List<ConsumerRecord<byte[], byte[]>> read(String topic) {
        Properties props = client();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
