package com.example.profiles.devtools.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Replays every {@code functions/<name>/samples/*.json} against a running function app, the last step
 * of {@code infra/local/run-demo.sh}.
 *
 * <p>Each sample is re-stamped just before it is sent: its {@code time}, {@code data.occurredAt} and
 * Debezium {@code data.ts_ms} / {@code data.source.ts_ms} are shifted by one amount so the newest of them
 * is now. Sent one after another, the samples keep their order, nothing lies in the future, and the
 * freshness lag shown is the pipeline's own. Each function's samples are sent in file-name order (functions in folder
 * order), alternately over HTTP (CloudEvents binary mode) and through the function's Kafka topic: as a
 * binary-mode CloudEvent ({@code ce_*} headers), or, for a topic whose {@code trigger.format} is
 * {@code debezium-json}, as the plain Debezium record the connector would write. One line per event;
 * a Kafka event's line is printed once the app has counted its outcome in {@code profile_events_total},
 * so each line says what really happened. Finally it prints each shopper's profile, the freshness lag
 * metrics and the dead-letter records.
 *
 * <p>Usage: {@code Replay --url http://127.0.0.1:PORT [--kafka HOST:PORT] [--functions DIR]};
 * {@code --kafka} defaults to {@code $KAFKA_BOOTSTRAP_SERVERS}. Exit code 0 when every event reached a
 * definite outcome (applied, duplicate, invalid/dead-lettered) and every check passed, 1 otherwise.
 * Uses only the JDK HttpClient, kafka-clients and Jackson.
 */
public final class Replay {

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(15);
    /** How long a Kafka record may take to be consumed (the first waits for the consumer group to form). */
    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);
    /** A profile counts as settled once its version has not changed for this long... */
    private static final Duration SETTLE_QUIET = Duration.ofSeconds(1);
    /** ...within at most this long. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(20);

    private static final Pattern METRIC_LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Attributes that are not sent as ce-/ce_ headers in binary mode. */
    private static final Set<String> NOT_HEADERS = Set.of("data", "data_base64", "datacontenttype");

    /** Kept referenced: java.util.logging holds loggers weakly, and a collected logger forgets its level. */
    private static final List<java.util.logging.Logger> QUIETED = new ArrayList<>();

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String bootstrapServers;
    private final Path functionsDir;
    private final List<String> problems = new ArrayList<>();

    record Function(String name, String eventType, String topic, String deadLetterTopic, String format, String kind) {
        /** Kafka records of this function are plain Debezium JSON, not CloudEvents. */
        boolean debezium() {
            return "debezium-json".equals(format);
        }
    }

    record Sample(Function function, String file, ObjectNode event) {
        String label() {
            return function.name() + "/" + file;
        }

        /** data.userId, or for a Debezium change the {@code id} column of its row (after, else before). */
        String userId() {
            JsonNode data = event.path("data");
            JsonNode user = data.path("userId");
            if (user.isMissingNode()) {
                user = (data.path("after").isObject() ? data.path("after") : data.path("before")).path("id");
            }
            return user.isTextual() || user.isNumber() ? user.asText() : null;
        }
    }

    /** A Kafka outcome counter of one function: applied, duplicate, invalid, failed. */
    private record Outcomes(Map<String, Double> byOutcome) {
        double get(String outcome) {
            return byOutcome.getOrDefault(outcome, 0.0);
        }
    }

    /** Every sample over HTTP: for an app whose own Kafka consumers are off, as Knative runs it. */
    private final boolean httpOnly;

    private Replay(String baseUrl, String bootstrapServers, Path functionsDir, boolean httpOnly) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.bootstrapServers = bootstrapServers;
        this.httpOnly = httpOnly;
        this.functionsDir = functionsDir;
    }

    public static void main(String[] args) throws Exception {
        // kafka-clients logs through slf4j into the JBoss LogManager (the test class path's binding),
        // which must be the java.util.logging manager before anything logs, or it complains.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        quietKafkaClientLogging();
        Map<String, String> options = parseOptions(args);
        String url = options.get("url");
        String kafka = options.getOrDefault("kafka", System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
        if (url == null || kafka == null || kafka.isBlank()) {
            System.err.println("usage: Replay --url http://127.0.0.1:PORT [--kafka HOST:PORT (default $KAFKA_BOOTSTRAP_SERVERS)] [--functions DIR]"
                    + " [--http-only true]");
            System.exit(2);
        }
        Replay replay = new Replay(url, kafka, Path.of(options.getOrDefault("functions", "functions")),
                Boolean.parseBoolean(options.getOrDefault("http-only", "false")));
        int exit;
        try {
            exit = replay.run();
        } catch (Exception e) {
            System.err.println("Replay failed: " + e);
            exit = 1;
        }
        System.exit(exit);
    }

    private int run() throws Exception {
        List<Function> functions = readFunctions();
        List<Sample> samples = new ArrayList<>();
        for (Function function : functions) {
            samples.addAll(readSamples(function));
        }
        if (samples.isEmpty()) {
            System.out.println("No samples under " + functionsDir.toAbsolutePath() + "/*/samples: nothing to replay.");
            return 1;
        }
        System.out.println("Each sample is re-stamped as it is sent: its times are shifted so its newest equals that moment,"
                + " so the freshness lag shown is the pipeline's own (event to profile written).");

        Map<String, String> lastOutcome = new LinkedHashMap<>(); // per user, to know whether a profile must exist
        Map<String, Integer> deadLettersExpected = new LinkedHashMap<>();
        Map<String, DeadLetters> deadLetters = new LinkedHashMap<>();
        Properties producerProps = producerProperties();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            for (Function function : functions) {
                if (function.deadLetterTopic() != null) {
                    deadLetters.put(function.name(), new DeadLetters(function.deadLetterTopic()));
                }
            }
            System.out.println();
            System.out.println("== Sending " + samples.size() + " sample events: " + (httpOnly
                    ? "all over HTTP (CloudEvents binary mode)"
                    : "per function, the 1st, 3rd, ... over HTTP (CloudEvents binary mode), the 2nd, 4th, ... through its Kafka topic"));
            Map<Function, Integer> sent = new HashMap<>();
            for (Sample sample : samples) {
                if ("schedule".equals(sample.function().kind())) {
                    // Every instance adds its freshness lag counts to Redis every 5 s; the sweep that
                    // follows judges the alerts from them.
                    Thread.sleep(6_000);
                }
                restamp(sample);
                int index = sent.merge(sample.function(), 1, Integer::sum) - 1;
                boolean viaKafka = !httpOnly && index % 2 == 1 && sample.function().topic() != null;
                String outcome = viaKafka
                        ? sendKafka(producer, sample, deadLetters.get(sample.function().name()), deadLettersExpected)
                        : sendHttp(sample);
                if (sample.userId() != null && !outcome.equals("invalid") && !outcome.equals("dead-lettered")) {
                    lastOutcome.put(sample.userId(), outcome);
                }
            }

            Set<String> users = samples.stream().map(Sample::userId).filter(u -> u != null)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            printProfiles(users, lastOutcome);
            printMetrics();
            printDeadLetters(functions, deadLetters, deadLettersExpected);
            printAlerts();
        } finally {
            deadLetters.values().forEach(DeadLetters::close);
        }

        System.out.println();
        if (problems.isEmpty()) {
            System.out.println("Replay OK: every event reached a definite outcome and every check passed.");
            return 0;
        }
        System.out.println("Replay FAILED (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):");
        problems.forEach(p -> System.out.println("  - " + p));
        return 1;
    }

    // ---------------------------------------------------------------- reading and re-stamping samples

    private List<Function> readFunctions() throws IOException {
        if (!Files.isDirectory(functionsDir)) {
            throw new IllegalStateException("no folder " + functionsDir.toAbsolutePath());
        }
        List<Path> descriptors;
        try (Stream<Path> dirs = Files.list(functionsDir)) {
            descriptors = dirs.map(d -> d.resolve("function.json")).filter(Files::isRegularFile).sorted().toList();
        }
        List<Function> functions = new ArrayList<>();
        for (Path descriptor : descriptors) {
            JsonNode d = json.readTree(descriptor.toFile());
            functions.add(new Function(
                    d.path("name").asText(descriptor.getParent().getFileName().toString()),
                    textOrNull(d.path("eventType")),
                    textOrNull(d.path("trigger").path("topic")),
                    textOrNull(d.path("trigger").path("deadLetterTopic")),
                    textOrNull(d.path("trigger").path("format")),
                    textOrNull(d.path("trigger").path("kind"))));
        }
        return functions;
    }

    private List<Sample> readSamples(Function function) throws IOException {
        Path dir = functionsDir.resolve(function.name()).resolve("samples");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        List<Sample> samples = new ArrayList<>();
        for (Path file : files) {
            JsonNode event = json.readTree(file.toFile());
            if (!(event instanceof ObjectNode object)) {
                throw new IllegalStateException(file + " is not a JSON object (a structured CloudEvent)");
            }
            samples.add(new Sample(function, file.getFileName().toString(), object));
        }
        return samples;
    }

    /**
     * Shifts the sample's {@code time}, {@code data.occurredAt} and Debezium {@code ts_ms} by one
     * amount so the newest of them is now: sent one after another, the samples keep their order,
     * none lies in the future, and the lag measured is the pipeline's.
     */
    private void restamp(Sample sample) {
        ObjectNode event = sample.event();
        JsonNode data0 = event.path("data");
        Instant newest = null;
        for (Instant t : new Instant[] { instant(event.get("time")), instant(data0.get("occurredAt")),
                epochMillis(data0.get("ts_ms")), epochMillis(data0.path("source").get("ts_ms")) }) {
            if (t != null && (newest == null || t.isAfter(newest))) {
                newest = t;
            }
        }
        if (newest == null) {
            return;
        }
        // A sample may ask to look old ("replayage": "PT40M", a CloudEvent extension attribute), e.g. a
        // cart left alone long enough for the sweeper to abandon it.
        Duration age = event.hasNonNull("replayage") ? Duration.parse(event.get("replayage").asText()) : Duration.ZERO;
        Duration shift = Duration.between(newest, Instant.now().minus(age).truncatedTo(ChronoUnit.MILLIS));
        Instant time = instant(event.get("time"));
        if (time != null) {
            event.put("time", time.plus(shift).toString());
        }
        if (event.path("data") instanceof ObjectNode data) {
            Instant occurredAt = instant(data.get("occurredAt"));
            if (occurredAt != null) {
                data.put("occurredAt", occurredAt.plus(shift).toString());
            }
            // Debezium: when the connector saw the change, and its commit time (the event time).
            shiftEpochMillis(data, "ts_ms", shift);
            if (data.path("source") instanceof ObjectNode source) {
                shiftEpochMillis(source, "ts_ms", shift);
            }
        }
    }

    private static Instant epochMillis(JsonNode node) {
        return node != null && node.canConvertToLong() && node.isIntegralNumber() ? Instant.ofEpochMilli(node.asLong()) : null;
    }

    private static void shiftEpochMillis(ObjectNode node, String field, Duration shift) {
        Instant t = epochMillis(node.get(field));
        if (t != null) {
            node.put(field, t.plus(shift).toEpochMilli());
        }
    }

    private static Instant instant(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (RuntimeException e) {
            return null; // left as it is: the app will say what is wrong with it
        }
    }

    // ---------------------------------------------------------------- HTTP

    /** Posts the event in binary mode (attributes as ce- headers, data as body); returns its outcome. */
    private String sendHttp(Sample sample) throws IOException, InterruptedException {
        ObjectNode event = sample.event();
        String contentType = event.path("datacontenttype").asText("application/json");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/"))
                .timeout(HTTP_TIMEOUT)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(dataBytes(event)));
        attributes(event).forEach((name, value) -> request.header("ce-" + name, value));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return line(sample, "HTTP", "failed", "could not reach " + baseUrl + ": " + e);
        }
        String body = response.body();
        if (response.statusCode() == 200) {
            JsonNode result = json.readTree(body);
            if (result.has("data") && result.has("specversion")) {
                result = result.path("data"); // a structured response event
            }
            if (result.has("entriesTouched")) {
                return line(sample, "HTTP", result.path("ran").asBoolean() ? "swept" : "skipped",
                        "examined " + result.path("entriesTouched").asInt() + " due entries in " + result.path("durationMillis").asLong()
                                + " ms: " + result.path("actions"));
            }
            String status = result.path("status").asText(result.path("duplicate").asBoolean(false) ? "duplicate" : "applied")
                    .toLowerCase(java.util.Locale.ROOT);
            String user = result.path("userId").asText();
            long version = result.path("profileVersion").asLong();
            String late = result.path("late").asBoolean(false) ? " (late: behind the lateness bound)" : "";
            String detail = switch (status) {
                case "applied" -> "profile " + user + " now v" + version + ", freshness lag "
                        + human(Duration.ofMillis(result.path("freshnessLagMillis").asLong()));
                case "duplicate" -> "event " + result.path("eventId").asText() + " was applied before; profile " + user + " stays at v" + version;
                case "stale" -> "newer state is already in profile " + user + " (v" + version + "); nothing changed";
                case "erased" -> "profile " + user + " erased";
                case "ignored" -> "nothing to apply (tombstone)";
                default -> abbreviate(body);
            };
            return line(sample, "HTTP", status, detail + late);
        }
        if (response.statusCode() == 400) {
            return line(sample, "HTTP", "invalid", violations(json.readTree(body).path("violations")));
        }
        return line(sample, "HTTP", "failed", "HTTP " + response.statusCode() + ": " + abbreviate(body));
    }

    private String violations(JsonNode list) {
        List<String> parts = new ArrayList<>();
        for (JsonNode v : list) {
            parts.add(v.path("field").asText() + ": " + v.path("message").asText());
        }
        return parts.isEmpty() ? "(no violations listed)" : String.join("; ", parts);
    }

    // ---------------------------------------------------------------- Kafka

    private Properties producerProperties() {
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
    private String sendKafka(KafkaProducer<byte[], byte[]> producer, Sample sample, DeadLetters deadLetters,
            Map<String, Integer> deadLettersExpected) throws Exception {
        Function function = sample.function();
        RecordHeaders headers = new RecordHeaders();
        byte[] key;
        if (function.debezium()) {
            // What the Debezium JSON converter writes: the change as the value, the row key as JSON key.
            key = sample.userId() == null ? null : json.writeValueAsBytes(Map.of("id", sample.userId()));
        } else {
            attributes(sample.event()).forEach((name, value) -> headers.add("ce_" + name, value.getBytes(StandardCharsets.UTF_8)));
            headers.add("content-type", sample.event().path("datacontenttype").asText("application/json").getBytes(StandardCharsets.UTF_8));
            key = sample.userId() == null ? null : sample.userId().getBytes(StandardCharsets.UTF_8);
        }
        String transport = function.debezium() ? "Kafka-dbz" : "Kafka";

        Outcomes before = kafkaOutcomes(function.name());
        RecordMetadata sent;
        try {
            sent = producer.send(new ProducerRecord<>(function.topic(), null, key, dataBytes(sample.event()), headers)).get();
        } catch (Exception e) {
            return line(sample, transport, "failed", "could not produce to " + function.topic() + ": " + e.getMessage());
        }
        String where = function.topic() + "/" + sent.partition() + "@" + sent.offset();

        // The consumer counts every outcome in profile_events_total{trigger="kafka"}; "failed" means
        // Redis trouble and is retried, so every other outcome is final.
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Outcomes now = kafkaOutcomes(function.name());
            for (String outcome : now.byOutcome().keySet()) {
                if (!outcome.equals("failed") && now.get(outcome) > before.get(outcome)) {
                    return kafkaOutcome(sample, transport, outcome, where, sent, deadLetters, deadLettersExpected);
                }
            }
            Thread.sleep(100);
        }
        return line(sample, transport, "failed", where + " was not consumed within " + CONSUME_TIMEOUT.toSeconds()
                + " s (see target/local-stack/functions.log)");
    }

    private String kafkaOutcome(Sample sample, String transport, String outcome, String where, RecordMetadata sent,
            DeadLetters deadLetters, Map<String, Integer> deadLettersExpected) throws Exception {
        String user = sample.userId();
        switch (outcome) {
            case "applied": {
                JsonNode profile = user == null ? null : getProfile(user);
                String version = profile == null ? "?" : profile.path("version").asText();
                return line(sample, transport, "applied", where + "; profile " + user + " now v" + version);
            }
            case "duplicate":
                return line(sample, transport, "duplicate", where + "; this event was applied before");
            case "stale":
                return line(sample, transport, "stale", where + "; newer state is already in profile " + user + ", nothing changed");
            case "erased":
                return line(sample, transport, "erased", where + "; profile " + user + " erased");
            case "invalid": {
                if (deadLetters == null) {
                    return line(sample, transport, "invalid", where + "; the function names no dead-letter topic");
                }
                deadLettersExpected.merge(sample.function().name(), 1, Integer::sum);
                ConsumerRecord<byte[], byte[]> copy = deadLetters.awaitCopyOf(sent, DEAD_LETTER_TIMEOUT);
                if (copy == null) {
                    return line(sample, transport, "failed", where + " was invalid but did not reach " + deadLetters.topic + " within "
                            + DEAD_LETTER_TIMEOUT.toSeconds() + " s");
                }
                return line(sample, transport, "dead-lettered", "to " + deadLetters.topic + "/" + copy.partition() + "@" + copy.offset()
                        + ": " + header(copy, "dead-letter-reason"));
            }
            default:
                return line(sample, transport, outcome, where);
        }
    }

    /** Reads a function's dead-letter topic from the beginning, without a consumer group. */
    private final class DeadLetters implements AutoCloseable {
        final String topic;
        final List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        private KafkaConsumer<byte[], byte[]> consumer;

        DeadLetters(String topic) {
            this.topic = topic;
        }

        /** The dead-letter copy of the record sent at {@code sent}, or null if none came in time. */
        ConsumerRecord<byte[], byte[]> awaitCopyOf(RecordMetadata sent, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            do {
                for (ConsumerRecord<byte[], byte[]> r : seen) {
                    if (sent.topic().equals(header(r, "dead-letter-topic"))
                            && Integer.toString(sent.partition()).equals(header(r, "dead-letter-partition"))
                            && Long.toString(sent.offset()).equals(header(r, "dead-letter-offset"))) {
                        return r;
                    }
                }
                poll(Duration.ofMillis(200));
            } while (System.nanoTime() < deadline);
            return null;
        }

        void poll(Duration duration) {
            if (consumer == null) {
                consumer = open();
                if (consumer == null) {
                    return; // the topic does not exist (yet)
                }
            }
            consumer.poll(duration).forEach(seen::add);
        }

        private KafkaConsumer<byte[], byte[]> open() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "replay-dead-letters");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
            List<PartitionInfo> partitions = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                c.close();
                return null;
            }
            List<TopicPartition> assigned = partitions.stream().map(pi -> new TopicPartition(topic, pi.partition())).toList();
            c.assign(assigned);
            c.seekToBeginning(assigned);
            return c;
        }

        @Override
        public void close() {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(2));
            }
        }
    }

    // ---------------------------------------------------------------- profiles, metrics, dead letters

    /** Waits until each user's profile version stops changing, then prints it. */
    private void printProfiles(Set<String> users, Map<String, String> lastOutcome) throws Exception {
        System.out.println();
        System.out.println("== Profiles (each read once its version had not changed for " + SETTLE_QUIET.toMillis() + " ms)");
        for (String user : users) {
            long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
            JsonNode profile = getProfile(user);
            long stableSince = System.nanoTime();
            boolean settled = false;
            while (System.nanoTime() < deadline) {
                Thread.sleep(200);
                JsonNode again = getProfile(user);
                if (!version(again).equals(version(profile))) {
                    profile = again;
                    stableSince = System.nanoTime();
                } else if (System.nanoTime() - stableSince >= SETTLE_QUIET.toNanos()) {
                    profile = again;
                    settled = true;
                    break;
                }
            }
            if (!settled) {
                problems.add("profile " + user + " was still changing after " + SETTLE_TIMEOUT.toSeconds() + " s");
            }
            if (profile == null) {
                String last = lastOutcome.get(user);
                System.out.println("-- " + user + ": no profile" + ("erased".equals(last) ? " (erased by its last event)" : ""));
                if ("applied".equals(last)) {
                    problems.add("profile " + user + " is missing although its last event was applied");
                }
                continue;
            }
            System.out.println("-- " + user + " (version " + profile.path("version").asText() + "):");
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(profile));
        }
    }

    private static String version(JsonNode profile) {
        return profile == null ? "none" : profile.path("version").asText();
    }

    /** The profile, or null for 404; anything else is a problem. */
    private JsonNode getProfile(String user) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(baseUrl + "/profiles/" + URLEncoder.encode(user, StandardCharsets.UTF_8))).timeout(HTTP_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /profiles/" + user + " answered " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        return json.readTree(response.body());
    }

    private void printMetrics() throws IOException, InterruptedException {
        System.out.println();
        System.out.println("== Metrics (GET /q/metrics): freshness lag, event time to profile written, and outcomes");
        List<String> lines = metricLines();
        List<String> lag = lines.stream()
                .filter(l -> l.startsWith("profile_freshness_lag_seconds{") && l.contains("quantile=")
                        || l.startsWith("profile_freshness_lag_seconds_count") || l.startsWith("profile_freshness_lag_seconds_max"))
                .toList();
        List<String> events = lines.stream().filter(l -> l.startsWith("profile_events_")).toList();
        lag.forEach(System.out::println);
        events.forEach(System.out::println);
        if (lag.isEmpty()) {
            problems.add("/q/metrics shows no profile_freshness_lag_seconds");
        }
    }

    /** The freshness alerts the sweeps raised or resolved (CloudEvents on profiles.freshness-alerts.v1). */
    private void printAlerts() throws IOException {
        System.out.println();
        System.out.println("== Freshness alerts (topic profiles.freshness-alerts.v1)");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "replay-alerts-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of("profiles.freshness-alerts.v1"));
            long deadline = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode alert = json.readTree(record.value());
                    JsonNode data = alert.path("data");
                    System.out.printf("%-48s %-22s value %.4f (threshold %.4f)%n", alert.path("type").asText(), alert.path("subject").asText(),
                            data.path("value").asDouble(), data.path("threshold").asDouble());
                    count++;
                }
            }
        }
        if (count == 0) {
            System.out.println("(none)");
        }
    }

    private void printDeadLetters(List<Function> functions, Map<String, DeadLetters> deadLetters, Map<String, Integer> expected) {
        System.out.println();
        System.out.println("== Dead-letter topics (read from the beginning)");
        for (Function function : functions) {
            DeadLetters dlq = deadLetters.get(function.name());
            if (dlq == null) {
                continue;
            }
            // Briefly, for anything not seen yet: the copies we waited for are already in hand.
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                dlq.poll(Duration.ofMillis(250));
            }
            System.out.println("-- " + dlq.topic + ": " + dlq.seen.size() + " record" + (dlq.seen.size() == 1 ? "" : "s"));
            for (ConsumerRecord<byte[], byte[]> r : dlq.seen) {
                System.out.printf("   %s/%d@%d key=%s ce_id=%s, from %s/%s@%s by function %s%n", r.topic(), r.partition(), r.offset(),
                        r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8), header(r, "ce_id"),
                        header(r, "dead-letter-topic"), header(r, "dead-letter-partition"), header(r, "dead-letter-offset"),
                        header(r, "dead-letter-function"));
                System.out.println("     dead-letter-reason:     " + header(r, "dead-letter-reason"));
                System.out.println("     dead-letter-violations: " + header(r, "dead-letter-violations"));
            }
            int wanted = expected.getOrDefault(function.name(), 0);
            if (dlq.seen.size() < wanted) {
                problems.add(dlq.topic + " holds " + dlq.seen.size() + " records; " + wanted + " invalid records were sent to Kafka");
            }
        }
    }

    /** The Kafka-trigger outcome counters of one function, from /q/metrics. */
    private Outcomes kafkaOutcomes(String function) throws IOException, InterruptedException {
        Map<String, Double> counts = new HashMap<>();
        for (String line : metricLines()) {
            Matcher m = METRIC_LINE.matcher(line);
            if (!m.find() || !m.group(1).equals("profile_events_total") || m.group(2) == null) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            if (function.equals(labels.get("function")) && "kafka".equals(labels.get("trigger"))) {
                counts.merge(labels.getOrDefault("outcome", "?"), Double.parseDouble(m.group(3)), Double::sum);
            }
        }
        return new Outcomes(counts);
    }

    private List<String> metricLines() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                .timeout(HTTP_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /q/metrics answered " + response.statusCode());
        }
        return response.body().lines().filter(l -> !l.startsWith("#")).toList();
    }

    // ---------------------------------------------------------------- helpers

    /** Context attributes (specversion, id, source, type, time, extensions) as strings, for headers. */
    private static Map<String, String> attributes(ObjectNode event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!NOT_HEADERS.contains(field.getKey()) && field.getValue().isValueNode() && !field.getValue().isNull()) {
                attributes.put(field.getKey(), field.getValue().asText());
            }
        }
        return attributes;
    }

    private byte[] dataBytes(ObjectNode event) {
        try {
            JsonNode data = event.get("data");
            return data == null || data.isNull() ? new byte[0] : json.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String line(Sample sample, String transport, String outcome, String detail) {
        System.out.printf("%-43s %-9s %-13s %s%n", sample.label(), transport, outcome, detail);
        if (outcome.equals("failed")) {
            problems.add(sample.label() + " via " + transport + ": " + detail);
        }
        return outcome;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static String abbreviate(String s) {
        String oneLine = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    /** 1.234 s, 6 min 0.4 s, 2 h 3 min; negative shifts keep their sign. */
    static String human(Duration d) {
        String sign = d.isNegative() ? "-" : "";
        d = d.abs();
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        double seconds = d.toSecondsPart() + d.toMillisPart() / 1000.0;
        if (days > 0) {
            return String.format("%s%d d %d h %d min", sign, days, hours, minutes);
        }
        if (hours > 0) {
            return String.format("%s%d h %d min %.0f s", sign, hours, minutes, seconds);
        }
        if (minutes > 0) {
            return String.format("%s%d min %.1f s", sign, minutes, seconds);
        }
        return String.format("%s%.3f s", sign, seconds);
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                System.err.println("unexpected argument: " + args[i]);
                System.exit(2);
            }
        }
        return options;
    }

    /** kafka-clients logs its whole configuration at INFO; only warnings matter here. */
    private static void quietKafkaClientLogging() {
        for (String name : List.of("org.apache.kafka", "kafka")) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            logger.setLevel(java.util.logging.Level.WARNING);
            QUIETED.add(logger);
        }
    }
}
