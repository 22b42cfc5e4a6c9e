package com.example.profiles.devtools.bench;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Kafka path: a backlog drained at saturation (the start-up with it waiting, then the rate,
 * with Redis's time per command), the freshness lag at fixed offered rates (from the probe events'
 * profiles), and a second drain under a JFR recording (where the time goes). Beside each lag step,
 * the machine's own tail over the same seconds: a {@link TailProbe}'s Redis round trips
 * ({@code reference.redisPingMillis}), so a step's lag can be read against how long a PING took then.
 */
final class KafkaScenarios {

    private final BenchRecord record;
    private final AppUnderTest app;
    private final RedisSide redis;
    private final StartUpScenarios startUp;

    KafkaScenarios(BenchRecord record, AppUnderTest app, RedisSide redis, StartUpScenarios startUp) {
        this.record = record;
        this.app = app;
        this.redis = redis;
        this.startUp = startUp;
    }

    /**
     * Starts the app for the load phases: with a backlog waiting on Kafka (-Dbench.backlog), which it
     * then drains; or, with -Dbench.app-consumers=false, as a Knative Service (no drain).
     */
    void startAndDrain(KafkaSide kafka, LoadStream stream) throws Exception {
        if (!BenchMain.appConsumers()) {
            record.phase("startup");
            Map<String, Object> startup = startUp.startAsKnative("app.log");
            record.put("startup", startup);
            record.say("start-up as Knative runs it (own Kafka consumers off; no drain, no Kafka steps): %s", startup);
            return;
        }
        int backlog = Integer.getInteger("bench.backlog", 300_000);
        Event firstKafka = stream.probe(Kind.PURCHASE, System.currentTimeMillis());
        kafka.send(firstKafka);
        for (Event e : stream.batch(backlog, System.currentTimeMillis())) {
            kafka.send(e);
        }
        kafka.flush();
        long expected = backlog + 1;
        record.say("backlog of %d events produced to the three topics; starting the app", expected);

        record.phase("startup");
        long launchedAt = app.launch("app.log");
        Map<String, Object> startup = startUp.firstEvents(launchedAt, firstKafka);
        record.put("startup", startup);
        record.say("start-up with the backlog waiting: %s", startup);

        record.phase("kafka-saturation");
        // Redis's own account of its time per command during the drain (INFO commandstats).
        redis.call("CONFIG", "RESETSTAT");
        Map<String, Object> drain = awaitCount(0, expected, 300, true);
        drain.put("redisCommands", redis.commandStats(expected));
        record.put("kafkaSaturation", drain);
        record.say("kafka drain: %s", drain);
    }

    /** Steps of fixed offered rates (-Dbench.kafka-rates), after a warm-up; stops at the first saturated step. */
    void lagSteps(KafkaSide kafka, LoadStream stream) throws Exception {
        List<Map<String, Object>> steps = new ArrayList<>();
        record.put("kafkaLag", steps);
        List<Integer> rates = new ArrayList<>();
        for (String r : System.getProperty("bench.kafka-rates", "1000,2500,5000,10000,15000,20000,25000,30000").split(",")) {
            rates.add(Integer.parseInt(r.trim()));
        }
        double seconds = Double.parseDouble(System.getProperty("bench.step-seconds", "10"));
        // Like the HTTP phases: a warm-up at a moderate rate, not counted. The drain before compiles
        // the code paths of full batches; small batches at fixed rates take others (and the broker
        // and the generator warm up their own), which otherwise land in the first steps' figures.
        double warmUp = Double.parseDouble(System.getProperty("bench.kafka-warmup-seconds", "20"));
        if (warmUp > 0) {
            record.phase("kafka-warm-up");
            long base = app.kafkaOutcomes()[0];
            int warmRate = Integer.getInteger("bench.kafka-warmup-rate", 2500);
            List<Event> sent = kafka.paced(stream, warmRate, warmUp);
            awaitCount(base, sent.size(), 120, false);
            record.say("kafka warm-up (not counted): %d events at %d/s", sent.size(), warmRate);
        }
        // The machine's own tail through each step (TailProbe): Redis round trips of the same seconds.
        try (TailProbe probe = TailProbe.start(redis)) {
            for (int rate : rates) {
                record.phase("kafka-" + rate);
                if (probe != null) {
                    probe.interval();
                }
                long base = app.kafkaOutcomes()[0];
                long[] cpu0 = app.cpuTicks();
                long t0 = System.nanoTime();
                List<Event> sent = kafka.paced(stream, rate, seconds);
                double sendSeconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> drained = awaitCount(base, sent.size(), 120, false);
                long[] cpu1 = app.cpuTicks();
                // The probe's seconds are the step's sending and draining, not the probes' reading after it.
                Map<String, Object> reference = new LinkedHashMap<>();
                TailProbe.addTo(reference, probe);
                SortedMap<Long, Histogram> lagBySecond = new TreeMap<>();
                Histogram lag = probeLag(sent, lagBySecond);
                record.series.lagStep(rate, lagBySecond);
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("offeredPerSecond", rate);
                step.put("achievedSendPerSecond", Math.round(sent.size() / sendSeconds));
                step.put("events", sent.size());
                step.put("drainedAfterSendSeconds", Report.round(((Number) drained.get("seconds")).doubleValue()));
                step.put("complete", drained.get("complete"));
                step.put("lagMillis", Report.percentiles(lag, 1));
                step.put("cpuMicrosPerEvent", ProcessCpu.microsPerEvent(cpu0, cpu1, sent.size()));
                if (!reference.isEmpty()) {
                    step.put("reference", reference);
                }
                steps.add(step);
                record.say("kafka %d/s offered: %s", rate, step);
                if (!reference.isEmpty()) {
                    record.say("  reference beside kafka %d/s: %s", rate, TailProbe.describe(reference, null));
                }
                if (lag.getValueAtPercentile(50) > 2_000 || !Boolean.TRUE.equals(drained.get("complete"))) {
                    record.say("kafka: saturated at %d/s offered (p50 lag over 2 s); no higher rates", rate);
                    break;
                }
            }
        }
    }

    /** A second drain (-Dbench.profiled-backlog) under a JFR recording, summed up by {@link JfrSummary}; -Dbench.jfr=false leaves it out. */
    void profiledDrain(KafkaSide kafka, LoadStream stream) throws Exception {
        if (!Boolean.parseBoolean(System.getProperty("bench.jfr", "true"))) {
            return;
        }
        record.phase("kafka-profiled");
        Path jfr = record.out.resolve("kafka-drain.jfr").toAbsolutePath();
        Files.deleteIfExists(jfr);
        app.jcmd("JFR.start", "name=bench", "settings=profile", "filename=" + jfr);
        int count = Integer.getInteger("bench.profiled-backlog", 150_000);
        long base = app.kafkaOutcomes()[0];
        for (Event e : stream.batch(count, System.currentTimeMillis())) {
            kafka.send(e);
        }
        kafka.flush();
        Map<String, Object> drain = awaitCount(base, count, 240, true);
        app.jcmd("JFR.stop", "name=bench");
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("drain", drain);
        profile.put("jfr", BenchMain.asRecorded(jfr));
        profile.putAll(JfrSummary.summarize(jfr));
        record.put("kafkaProfiled", profile);
        record.say("profiled drain: %s", drain);
    }

    /**
     * Waits until the app has counted {@code expected} Kafka outcomes more than {@code base}; samples
     * the rate every second, and keeps the samples for the drain chart if {@code chart}.
     */
    Map<String, Object> awaitCount(long base, long expected, int timeoutSeconds, boolean chart) throws Exception {
        long[] cpu0 = app.cpuTicks();
        Map<String, Long> threads0 = ProcessCpu.threadTicks(app.pid());
        long reads0 = Long.parseLong(redis.info("stats", "total_reads_processed"));
        long commands0 = Long.parseLong(redis.info("stats", "total_commands_processed"));
        long t0 = System.nanoTime();
        double fromSeconds = record.series.now();
        List<double[]> samples = new ArrayList<>();
        // The chart's first point, taken as the drain begins; not among the samples the sustained rate is taken from.
        double[] first = null;
        if (chart) {
            long[] counts0 = app.kafkaOutcomes();
            first = new double[] { (System.nanoTime() - t0) / 1e9, counts0[0] - base, counts0[1] };
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long[] counts;
        do {
            Thread.sleep(1000);
            counts = app.kafkaOutcomes();
            samples.add(new double[] { (System.nanoTime() - t0) / 1e9, counts[0] - base, counts[1] });
        } while (counts[0] - base < expected && System.nanoTime() < deadline);
        long[] cpu1 = app.cpuTicks();
        Map<String, Long> threads1 = ProcessCpu.threadTicks(app.pid());
        long reads = Long.parseLong(redis.info("stats", "total_reads_processed")) - reads0;
        long commands = Long.parseLong(redis.info("stats", "total_commands_processed")) - commands0;
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (chart) {
            List<double[]> series = new ArrayList<>();
            series.add(first);
            series.addAll(samples);
            record.series.drain(record.phase(), fromSeconds, series);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events", expected);
        r.put("processed", counts[0] - base);
        r.put("complete", counts[0] - base >= expected);
        // Sustained: the slope between 20% and 95% of the backlog (JIT warm-up and the tail excluded).
        double[] from = null;
        double[] to = null;
        for (double[] s : samples) {
            if (from == null && s[1] >= 0.2 * expected) {
                from = s;
            }
            if (s[1] <= 0.95 * expected) {
                to = s;
            }
        }
        if (from != null && to != null && to[0] > from[0]) {
            r.put("sustainedPerSecond", Math.round((to[1] - from[1]) / (to[0] - from[0])));
        }
        r.put("overallPerSecond", Math.round((counts[0] - base) / seconds));
        r.put("seconds", Report.round(seconds));
        r.put("cpuSecondsPerProcess", ProcessCpu.seconds(cpu0, cpu1));
        r.put("cpuMicrosPerEvent", ProcessCpu.microsPerEvent(cpu0, cpu1, counts[0] - base));
        r.put("appCpuSecondsByThread", ProcessCpu.threadDelta(threads0, threads1));
        // How the commands reached Redis: each socket read it made costs it a system call and an
        // event-loop turn, so commands that arrive one per read cost Redis more than the same
        // commands arriving together (bench/script-cost.sh's window).
        r.put("redisCommandsPerEvent", Report.round((double) commands / Math.max(1, counts[0] - base)));
        r.put("redisCommandsPerRead", Report.round((double) commands / Math.max(1, reads)));
        return r;
    }

    /**
     * Per probe event: its profile's freshness.writtenAt minus its event time; also filed in
     * {@code bySecond} under the second (since the driver started) its event was stamped in.
     */
    private Histogram probeLag(List<Event> sent, SortedMap<Long, Histogram> bySecond) throws Exception {
        Histogram lag = new Histogram(3_600_000L, 3);
        List<Event> probes = sent.stream().filter(Event::probe).toList();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long[] missing = { 0 };
        for (Event probe : probes) {
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(app.uri("/profiles/" + probe.userId())).timeout(Duration.ofSeconds(10)).build();
            all.add(app.sendAsync(request).thenAccept((HttpResponse<String> resp) -> {
                try {
                    if (resp.statusCode() == 200) {
                        JsonNode written = Report.JSON.readTree(resp.body()).path("freshness").path(probe.kind().name().toLowerCase())
                                .path("writtenAt");
                        if (written.isNumber()) {
                            recordLag(record, lag, bySecond, probe, written.asLong());
                            return;
                        }
                    }
                    synchronized (missing) {
                        missing[0]++;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).whenComplete((v, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        if (missing[0] > 0) {
            record.say("  (%d of %d probes had no written time)", missing[0], probes.size());
        }
        return lag;
    }

    /**
     * One probe's lag: the time its profile says the event was written ({@code writtenAt}, epoch
     * ms) minus its event time, in {@code lag} and in {@code bySecond} under the second (since the
     * driver started) its event was stamped in.
     */
    static void recordLag(BenchRecord record, Histogram lag, SortedMap<Long, Histogram> bySecond, Event probe, long writtenAt) {
        long millis = Math.max(0, Math.min(3_600_000L, writtenAt - probe.eventTime()));
        long second = (long) Math.floor(record.series.runSeconds(probe.eventTime()));
        synchronized (lag) {
            lag.recordValue(millis);
            bySecond.computeIfAbsent(second, s -> new Histogram(3_600_000L, 3)).recordValue(millis);
        }
    }
}
