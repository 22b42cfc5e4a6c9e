package com.example.profiles.devtools.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * metrics, the dead-letter records, the freshness alerts and the freshness page's address and numbers.
 *
 * <p>Usage: {@code Replay --url http://127.0.0.1:PORT [--kafka HOST:PORT] [--functions DIR]};
 * {@code --kafka} defaults to {@code $KAFKA_BOOTSTRAP_SERVERS}. Exit code 0 when every event reached a
 * definite outcome (applied, duplicate, invalid/dead-lettered) and every check passed, 1 otherwise.
 * Uses only the JDK HttpClient, kafka-clients and Jackson.
 *
 * <p>The parts: {@link FunctionDescriptor} and {@link Sample} read the samples, {@link SampleTimes} re-stamps
 * them, {@link HttpSender} and {@link KafkaSender} send them, {@link ReplayReport} prints what came of them
 * and {@link ReplayLog} keeps the problems that decide the exit code.
 */
public final class Replay {

    /** Kept referenced: java.util.logging holds loggers weakly, and a collected logger forgets its level. */
    private static final List<java.util.logging.Logger> QUIETED = new ArrayList<>();

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final ReplayLog log = new ReplayLog();
    private final FunctionApp app;
    private final String bootstrapServers;
    private final Path functionsDir;
    /** Every sample over HTTP: for an app whose own Kafka consumers are off, as Knative runs it. */
    private final boolean httpOnly;

    private Replay(String baseUrl, String bootstrapServers, Path functionsDir, boolean httpOnly) {
        this.app = new FunctionApp(json, baseUrl);
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
        List<FunctionDescriptor> functions = FunctionDescriptor.readAll(json, functionsDir);
        List<Sample> samples = new ArrayList<>();
        for (FunctionDescriptor function : functions) {
            samples.addAll(Sample.readAll(json, functionsDir, function));
        }
        if (samples.isEmpty()) {
            System.out.println("No samples under " + functionsDir.toAbsolutePath() + "/*/samples: nothing to replay.");
            return 1;
        }
        System.out.println("Each sample is re-stamped as it is sent: its times are shifted so its newest equals that moment,"
                + " so the freshness lag shown is the pipeline's own (event to profile written).");

        try (KafkaSender kafka = new KafkaSender(json, app, log, bootstrapServers, functions)) {
            Map<String, String> lastOutcome = sendAll(samples, kafka);
            Set<String> users = samples.stream().map(Sample::userId).filter(Objects::nonNull)
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            ReplayReport report = new ReplayReport(json, app, log, bootstrapServers);
            report.printProfiles(users, lastOutcome);
            report.printMetrics();
            report.printDeadLetters(functions, kafka.deadLetters(), kafka.deadLettersExpected());
            report.printAlerts();
            report.printFreshnessPage();
        }
        return log.verdict();
    }

    /** Sends every sample, re-stamped, over HTTP or Kafka; returns each user's last outcome, to know whether a profile must exist. */
    private Map<String, String> sendAll(List<Sample> samples, KafkaSender kafka) throws Exception {
        System.out.println();
        System.out.println("== Sending " + samples.size() + " sample events: " + (httpOnly
                ? "all over HTTP (CloudEvents binary mode)"
                : "per function, the 1st, 3rd, ... over HTTP (CloudEvents binary mode), the 2nd, 4th, ... through its Kafka topic"));
        HttpSender http = new HttpSender(json, app, log);
        Map<String, String> lastOutcome = new LinkedHashMap<>();
        Map<FunctionDescriptor, Integer> sent = new HashMap<>();
        for (Sample sample : samples) {
            if ("schedule".equals(sample.function().kind())) {
                // Every instance adds its freshness lag counts to Redis every 5 s; the sweep that
                // follows judges the alerts from them.
                Thread.sleep(6_000);
            }
            SampleTimes.restamp(sample);
            int index = sent.merge(sample.function(), 1, Integer::sum) - 1;
            boolean viaKafka = !httpOnly && index % 2 == 1 && sample.function().topic() != null;
            String outcome = viaKafka ? kafka.send(sample) : http.send(sample);
            if (sample.userId() != null && !outcome.equals("invalid") && !outcome.equals("dead-lettered")) {
                lastOutcome.put(sample.userId(), outcome);
            }
        }
        return lastOutcome;
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
