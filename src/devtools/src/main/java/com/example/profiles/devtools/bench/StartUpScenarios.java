package com.example.profiles.devtools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.devtools.knative.KnativeManifests;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Start-up: from the app's launch to the first HTTP event applied (one tried every 10 ms from the
 * launch on) and to the first Kafka event written, and the app's CPU time up to each.
 */
final class StartUpScenarios {

    private final BenchRecord record;
    private final AppUnderTest app;
    private final LoadStream.Settings settings;

    StartUpScenarios(BenchRecord record, AppUnderTest app, LoadStream.Settings settings) {
        this.record = record;
        this.app = app;
        this.settings = settings;
    }

    /**
     * Start-up as a scale-from-zero sees it: one event waiting on Kafka and HTTP requests arriving
     * from the launch on, nothing else; as Knative runs the app, then with its Kafka consumers on.
     * The app is stopped after each; the drain starts it again.
     */
    void coldStart(KafkaSide kafka, LoadStream stream) throws Exception {
        // As a Knative Service runs it: the app's own Kafka consumers off (the Broker delivers over
        // HTTP; infra/knative sets PROFILES_KAFKA_CONSUMERS_ENABLED=false), so the start-up a
        // scale-from-zero pays is to the first HTTP event.
        record.phase("cold-start");
        Map<String, Object> knative = startAsKnative("app-cold-start-knative.log");
        record.put("coldStartKnative", knative);
        record.say("cold start as Knative runs it (own Kafka consumers off): %s", knative);
        app.stop();

        // With the Kafka consumers on (the Kafka path's deployment, and local runs).
        Event firstKafka = stream.probe(Kind.PURCHASE, System.currentTimeMillis());
        kafka.send(firstKafka);
        kafka.flush();
        long launchedAt = app.launch("app-cold-start.log");
        Map<String, Object> r = firstEvents(launchedAt, firstKafka);
        record.put("coldStart", r);
        record.say("cold start (one event waiting): %s", r);
        app.stop();
    }

    /**
     * The start-up target's reference, in the same run: the app as Knative runs it (its packaging,
     * with its start-up cache) and {@code reference}, another build of the same code packaged as
     * Quarkus's default fast-jar and started without any cache, with the same JVM options, in
     * turns ({@code rounds} of each, the reference first), so a machine whose speed drifts weighs
     * on both alike. Answers each launch to the first HTTP event, the medians and their ratio.
     */
    Map<String, Object> startReference(AppUnderTest reference, int rounds) throws Exception {
        record.phase("start-reference");
        List<Map<String, Object>> runs = new ArrayList<>();
        List<Long> referenceMillis = new ArrayList<>();
        List<Long> appMillis = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (AppUnderTest launched : List.of(reference, app)) {
                boolean isReference = launched == reference;
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("variant", isReference ? "reference" : "app");
                run.putAll(startAsKnative(launched, "app-start-" + (isReference ? "reference" : "app") + "-" + round + ".log"));
                launched.stop();
                runs.add(run);
                record.say("start-up round %d, %s: %s", round, run.get("variant"), run);
                if (run.get("launchToFirstHttpEventAppliedMillis") instanceof Number millis) {
                    (isReference ? referenceMillis : appMillis).add(millis.longValue());
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rounds", rounds);
        r.put("runs", runs);
        if (!referenceMillis.isEmpty() && !appMillis.isEmpty()) {
            long referenceMedian = Math.round(CommandFloor.median(referenceMillis.stream().mapToDouble(Long::doubleValue).toArray()));
            long appMedian = Math.round(CommandFloor.median(appMillis.stream().mapToDouble(Long::doubleValue).toArray()));
            r.put("referenceMedianMillis", referenceMedian);
            r.put("appMedianMillis", appMedian);
            r.put("ratio", Report.round((double) appMedian / referenceMedian));
        }
        record.say("start-up against the reference (fast-jar, no cache), medians of %d: %s", rounds, r);
        return r;
    }

    /**
     * What a Knative Service adds to the image's JVM options (its heap and JIT, the last of a
     * repeated option winning) and its Kafka consumers off; -Dbench.knative-jvm-options replaces
     * the Service's options (e.g. to measure the image's own).
     */
    static String[] knativeOptions() {
        List<String> options = new ArrayList<>();
        String jvm = System.getProperty("bench.knative-jvm-options", KnativeManifests.SERVICE_JVM_OPTIONS);
        if (!jvm.isBlank()) {
            options.addAll(List.of(jvm.trim().split("\\s+")));
        }
        options.add("-Dprofiles.kafka.consumers.enabled=false");
        return options.toArray(String[]::new);
    }

    /** Launches the app as a Knative Service runs it ({@link #knativeOptions()}): launch to the first HTTP event. */
    Map<String, Object> startAsKnative(String logName) throws Exception {
        return startAsKnative(app, logName);
    }

    private Map<String, Object> startAsKnative(AppUnderTest launched, String logName) throws Exception {
        long launchedAt = launched.launch(logName, knativeOptions());
        return firstEvents(launched, launchedAt, null);
    }

    /** Launch to the first HTTP event applied (one tried every 10 ms) and to {@code firstKafka} written (unless null). */
    Map<String, Object> firstEvents(long launchedAt, Event firstKafka) throws Exception {
        return firstEvents(app, launchedAt, firstKafka);
    }

    private Map<String, Object> firstEvents(AppUnderTest launched, long launchedAt, Event firstKafka) throws Exception {
        Map<String, Object> startup = new LinkedHashMap<>();
        LoadStream probes = new LoadStream(settings, 7, "start-" + UUID.randomUUID().toString().substring(0, 4));
        long firstHttpApplied = -1;
        // The app's CPU time (user + system, all threads) up to each first event: on a shared
        // machine the wall time includes waiting for a core, this does not.
        long cpuToFirstHttp = -1;
        try (HttpSide client = new HttpSide(launched.port(), 4)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                Object[] answer = client.once(new HttpSide.Call(probes.probe(Kind.PURCHASE, System.currentTimeMillis()), null));
                if ((int) answer[0] == 200 && answer[1].toString().contains("\"APPLIED\"")) {
                    firstHttpApplied = System.currentTimeMillis();
                    cpuToFirstHttp = launched.ownCpuTicks() * 10;
                    break;
                }
                Thread.sleep(10);
            }
        }
        startup.put("launchToFirstHttpEventAppliedMillis", firstHttpApplied < 0 ? null : firstHttpApplied - launchedAt);
        startup.put("quarkusReportedStartSeconds", launched.quarkusStartSeconds());
        startup.put("appCpuMillisToFirstHttpEvent", cpuToFirstHttp < 0 ? null : cpuToFirstHttp);
        if (firstKafka != null) {
            JsonNode profile = launched.awaitProfile(firstKafka.userId(), 60_000);
            long cpuToFirstKafka = profile == null ? -1 : launched.ownCpuTicks() * 10;
            long firstKafkaWritten = profile == null ? -1 : profile.path("freshness").path("purchase").path("writtenAt").asLong(-1);
            startup.put("launchToFirstKafkaEventWrittenMillis", firstKafkaWritten < 0 ? null : firstKafkaWritten - launchedAt);
            // Read when the driver saw the profile (it polls every 10 ms), so a little late.
            startup.put("appCpuMillisToFirstKafkaEventSeen", cpuToFirstKafka < 0 ? null : cpuToFirstKafka);
        }
        return startup;
    }
}
