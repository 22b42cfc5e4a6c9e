package com.example.profiles.devtools.redrive;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sends a function's dead letters back to the function's topic once their cause is fixed (a
 * currency added, a column allowed, a bug fixed), chosen by reason, by the time they were
 * dead-lettered, or all of them. A dry run prints what would be sent and counts each reason.
 *
 * <p>Never twice: each letter sent is recorded in a compacted ledger topic ({@code <dead-letter
 * topic>.redriven}, keyed by the letter's {@code partition@offset}) in the same Kafka transaction as
 * the copy sent to the function's topic, so after a crash either both are there or neither is, and a
 * later run skips what the ledger holds. The functions would take a letter sent twice once anyway
 * (the scripts remember event ids, and order customer changes by log position), but a re-drive
 * should not lean on that.
 *
 * <p>What is sent is the record as it was before it was dead-lettered: key and value byte for byte,
 * the original headers without ours ({@code dead-letter-*}) and Knative's error extensions. A letter
 * whose value was too large to copy ({@code dead-letter-value-omitted}) cannot be re-driven from
 * here: it is counted and its coordinates point at the original. Nothing personal is printed: a
 * letter is named by its place in the topic, its time and its reason.
 */
public final class DeadLetterRedrive {

    /** Which letters to take: a reason containing one of {@code reasons} (any case; none means every reason), in [since, until). */
    public record Selection(List<String> reasons, Instant since, Instant until) {

        public static Selection all() {
            return new Selection(List.of(), null, null);
        }

        boolean takes(DeadLetter letter) {
            if (since != null && letter.deadLetteredAt().isBefore(since) || until != null && !letter.deadLetteredAt().isBefore(until)) {
                return false;
            }
            String reason = letter.reason().toLowerCase(Locale.ROOT);
            return reasons.isEmpty() || reasons.stream().anyMatch(wanted -> reason.contains(wanted.toLowerCase(Locale.ROOT)));
        }
    }

    /** What one reason's letters came to. */
    public static final class Count {
        long selected;
        long sent;
        long alreadyRedriven;
        long valueOmitted;

        public long selected() {
            return selected;
        }

        public long sent() {
            return sent;
        }

        public long alreadyRedriven() {
            return alreadyRedriven;
        }

        public long valueOmitted() {
            return valueOmitted;
        }
    }

    /** A run's outcome: letters read, those outside the selection, and the counts by reason. */
    public record Report(long read, long notSelected, Map<String, Count> byReason) {

        public long sent() {
            return byReason.values().stream().mapToLong(Count::sent).sum();
        }
    }

    /** Letters sent per transaction: large enough to be quick, small enough that a crash redoes little. */
    private static final int LETTERS_PER_TRANSACTION = 200;

    private final Properties client;
    private final String deadLetterTopic;
    private final String functionTopic;
    private final String ledgerTopic;

    /**
     * @param client Kafka client settings (bootstrap.servers, and security settings where the cluster needs them)
     */
    public DeadLetterRedrive(Properties client, String deadLetterTopic, String functionTopic, String ledgerTopic) {
        this.client = client;
        this.deadLetterTopic = deadLetterTopic;
        this.functionTopic = functionTopic;
        this.ledgerTopic = ledgerTopic;
    }

    /** The ledger beside a dead-letter topic. */
    public static String ledgerFor(String deadLetterTopic) {
        return deadLetterTopic + ".redriven";
    }

    public Report run(Selection selection, boolean dryRun, PrintStream out) {
        if (!dryRun) {
            createLedgerIfAbsent();
        }
        Set<String> redriven = dryRun && !topicExists(ledgerTopic) ? Set.of() : ledger();
        Map<String, Count> byReason = new TreeMap<>();
        long[] read = new long[2];
        List<DeadLetter> pending = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : transactionalProducer()) {
            readAll(deadLetterTopic, letter -> {
                read[0]++;
                if (!selection.takes(letter)) {
                    read[1]++;
                    return;
                }
                Count count = byReason.computeIfAbsent(letter.reason(), r -> new Count());
                count.selected++;
                if (redriven.contains(letter.id())) {
                    count.alreadyRedriven++;
                } else if (letter.valueOmitted()) {
                    count.valueOmitted++;
                    out.printf("cannot re-drive %s %s (dead-lettered %s): its value was too large to copy; the original is at %s%n",
                            deadLetterTopic, letter.id(), letter.deadLetteredAt(), original(letter));
                } else if (dryRun) {
                    count.sent++;
                    out.printf("would send %s %s (dead-lettered %s, %d bytes) to %s: %s%n", deadLetterTopic, letter.id(), letter.deadLetteredAt(),
                            letter.value() == null ? 0 : letter.value().length, functionTopic, letter.reason());
                } else {
                    pending.add(letter);
                    count.sent++;
                    if (pending.size() == LETTERS_PER_TRANSACTION) {
                        send(producer, pending);
                        out.printf("sent %d so far%n", byReason.values().stream().mapToLong(Count::sent).sum());
                    }
                }
            });
            if (!pending.isEmpty()) {
                send(producer, pending);
            }
        }
        Report report = new Report(read[0], read[1], byReason);
        summarize(report, dryRun, out);
        return report;
    }

    private void send(KafkaProducer<byte[], byte[]> producer, List<DeadLetter> letters) {
        producer.beginTransaction();
        try {
            for (DeadLetter letter : letters) {
                producer.send(new ProducerRecord<>(functionTopic, null, letter.key(), letter.value(), letter.originalHeaders()));
                String entry = "{\"redrivenAt\":\"" + Instant.now() + "\",\"to\":\"" + functionTopic + "\"}";
                producer.send(new ProducerRecord<>(ledgerTopic, letter.id().getBytes(StandardCharsets.UTF_8), entry.getBytes(StandardCharsets.UTF_8)));
            }
            producer.commitTransaction();
        } catch (RuntimeException failed) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // the transaction is lost either way; the ledger does not hold these letters
            }
            throw new IllegalStateException("re-drive stopped: " + failed.getMessage() + " (the letters of the unfinished transaction were not"
                    + " recorded as re-driven; run again to send them)", failed);
        }
        letters.clear();
    }

    private void summarize(Report report, boolean dryRun, PrintStream out) {
        out.printf("%s: %d dead letters read from %s, %d outside the selection%n", dryRun ? "dry run" : "re-drive", report.read(),
                deadLetterTopic, report.notSelected());
        report.byReason().forEach((reason, count) -> out.printf("  %6d %s, %d %s, %d already re-driven, %d too large to copy: %s%n",
                count.selected, "selected", count.sent, dryRun ? "would be sent" : "sent", count.alreadyRedriven, count.valueOmitted, reason));
        out.printf("%s %d to %s%n", dryRun ? "would send" : "sent", report.sent(), functionTopic);
    }

    private String original(DeadLetter letter) {
        return header(letter, "dead-letter-topic") + "-" + header(letter, "dead-letter-partition") + "@" + header(letter, "dead-letter-offset");
    }

    private static String header(DeadLetter letter, String name) {
        var header = letter.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The ids the ledger holds (committed transactions only). */
    private Set<String> ledger() {
        Set<String> ids = new HashSet<>();
        readAll(ledgerTopic, record -> ids.add(new String(record.key(), StandardCharsets.UTF_8)), true);
        return ids;
    }

    private void readAll(String topic, Consumer<DeadLetter> each) {
        readAll(topic, record -> each.accept(DeadLetter.of(record)), true);
    }

    /** Every committed record of the topic as it stands when the read starts, partition by partition. */
    private void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each, boolean committedOnly) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned));
            end.entrySet().removeIf(e -> e.getValue() == 0);
            while (!end.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.getOrDefault(new TopicPartition(topic, record.partition()), 0L)) {
                        each.accept(record);
                    }
                }
                // A transaction's markers take offsets too: done with a partition once its position is past the end seen.
                end.keySet().removeIf(partition -> consumer.position(partition) >= end.get(partition));
            }
        }
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer() {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // One id per dead-letter topic: a second re-drive of the same letters started meanwhile fences
        // this one off instead of both sending them.
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "profiles-redrive-" + deadLetterTopic);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        producer.initTransactions();
        return producer;
    }

    private boolean topicExists(String topic) {
        try (Admin admin = Admin.create(client)) {
            return admin.listTopics().names().get().contains(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void createLedgerIfAbsent() {
        if (topicExists(ledgerTopic)) {
            return;
        }
        try (Admin admin = Admin.create(client)) {
            // Compacted: one entry per letter ever re-driven, kept as long as the letters are.
            admin.createTopics(List.of(new NewTopic(ledgerTopic, 1, (short) -1).configs(Map.of("cleanup.policy", "compact")))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the ledger topic " + ledgerTopic + " (create it, compacted, or grant the right): "
                        + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    /** Held so the level set on them stays (java.util.logging keeps loggers weakly). */
    private static final List<java.util.logging.Logger> QUIETED = new ArrayList<>();

    public static void main(String[] args) {
        // The Kafka client's INFO lines (its whole configuration, per client) would bury the report.
        java.util.logging.Logger kafkaLogs = java.util.logging.Logger.getLogger("org.apache.kafka");
        kafkaLogs.setLevel(java.util.logging.Level.WARNING);
        QUIETED.add(kafkaLogs);
        Map<String, List<String>> options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            options = Map.of("help", List.of(e.getMessage()));
        }
        String function = single(options, "function", null);
        if (function == null || options.containsKey("help")) {
            System.err.println("""
                    usage: redrive-dead-letters.sh --function NAME [--dry-run] [--reason TEXT]... [--since ISO-TIME] [--until ISO-TIME]
                           [--bootstrap-servers HOST:PORT (default $KAFKA_BOOTSTRAP_SERVERS)] [--command-config FILE]
                           [--functions DIR (default functions)] [--ledger-topic TOPIC]
                    Sends the function's dead letters whose reason contains a TEXT (any case; all without --reason),
                    dead-lettered in [since, until), back to its topic, each at most once.""");
            System.exit(2);
        }
        try {
            JsonNode trigger = new ObjectMapper().readTree(Path.of(single(options, "functions", "functions"), function, "function.json").toFile())
                    .path("trigger");
            String topic = trigger.path("topic").asText(function);
            String deadLetterTopic = trigger.path("deadLetterTopic").asText(topic + ".dlq");
            Properties client = new Properties();
            String config = single(options, "command-config", null);
            if (config != null) {
                try (InputStream in = Files.newInputStream(Path.of(config))) {
                    client.load(in);
                }
            }
            String servers = single(options, "bootstrap-servers", System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
            if (servers != null) {
                client.put("bootstrap.servers", servers);
            }
            client.putIfAbsent("bootstrap.servers", "localhost:9092");
            client.putIfAbsent("client.id", "profiles-redrive-" + UUID.randomUUID());
            Selection selection = new Selection(options.getOrDefault("reason", List.of()), time(single(options, "since", null)),
                    time(single(options, "until", null)));
            new DeadLetterRedrive(client, deadLetterTopic, topic, single(options, "ledger-topic", ledgerFor(deadLetterTopic)))
                    .run(selection, options.containsKey("dry-run"), System.out);
            System.exit(0);
        } catch (IOException | RuntimeException e) {
            System.err.println("re-drive failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static Instant time(String text) {
        return text == null ? null : OffsetDateTime.parse(text).toInstant();
    }

    private static String single(Map<String, List<String>> options, String name, String otherwise) {
        List<String> values = options.get(name);
        return values == null || values.isEmpty() ? otherwise : values.get(values.size() - 1);
    }

    private static Map<String, List<String>> options(String[] args) {
        Map<String, List<String>> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("dry-run") || name.equals("help")) {
                options.put(name, List.of());
            } else if (i + 1 < args.length) {
                options.computeIfAbsent(name, n -> new ArrayList<>()).add(args[++i]);
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
        }
        return options;
    }
}
