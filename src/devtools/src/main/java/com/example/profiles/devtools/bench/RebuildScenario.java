package com.example.profiles.devtools.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.devtools.servers.PackagedApp;
import com.example.profiles.generation.Generations;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileKeys;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A rebuild of the profiles beside the live path, in the same run: per rebuild budget
 * ({@code -Dbench.rebuild.budgets}, by default the default 2,000 events/s and unthrottled), first
 * the live path alone for a step at a fixed offered rate over Kafka ({@code -Dbench.rebuild.live-rate},
 * 1,000/s), then the history on the topics set to a known size ({@code -Dbench.rebuild.history}
 * records: the oldest deleted, as retention would, or more of the stream produced), then the
 * rebuild job (the packaged app with {@code profiles.rebuild.run=true}, a second process beside the
 * app under test, {@link AppUnderTest#startBeside}) while the same live rate keeps flowing until the
 * job exits. Measured: the job's own rate while it builds the new generation (from its progress
 * lines, {@link RebuildLog}), its time to the switch and to its exit, its exit code, and the live
 * path's freshness lag alone and during the rebuild, from the same probe events as the Kafka lag
 * steps ({@link KafkaScenarios}).
 *
 * <p>During the rebuild the live path writes the current generation (and, in the last moments,
 * both), the rebuild the next one; after the switch a probe's profile in the next generation may
 * hold the rebuild's later write of the same event. So the live lag is read straight from the
 * generation the live path wrote, the one current when the job started: the probes the live path
 * applied there (every one sent before the switch); the job keeps that generation
 * ({@code profiles.rebuild.remove-old=false}). After each run the phase checks, and fails loudly if
 * not, that the job exited 0, the pointer moved on by one generation and is idle, and profiles of
 * the rebuilt history read back over the app's HTTP API. The job runs with the app's JVM options
 * and {@code -Dbench.rebuild.job-jvm-options} after them.
 */
final class RebuildScenario {

    private static final int UNTHROTTLED = 1_000_000;
    /** The end of the building over which its rate is also given: the job warmed up. */
    private static final double LAST_SECONDS = 5;
    /** The live path's probes from the end of the step alone that are read back after the switch. */
    private static final int CHECKED_PROFILES = 10;

    private final BenchRecord record;
    private final AppUnderTest app;
    private final RedisSide redis;
    private final KafkaScenarios kafkaPath;
    private final String bootstrap;

    RebuildScenario(BenchRecord record, AppUnderTest app, RedisSide redis, KafkaScenarios kafkaPath, String bootstrap) {
        this.record = record;
        this.app = app;
        this.redis = redis;
        this.kafkaPath = kafkaPath;
        this.bootstrap = bootstrap;
    }

    private record Settings(int liveRate, double stepSeconds, double warmUpSeconds, long history, String grace, int timeoutSeconds,
            List<Integer> budgets, List<String> jobJvmOptions) {
        static Settings fromSystemProperties() {
            return new Settings(Integer.getInteger("bench.rebuild.live-rate", 1000),
                    Double.parseDouble(System.getProperty("bench.rebuild.step-seconds", "10")),
                    Double.parseDouble(System.getProperty("bench.rebuild.warmup-seconds", "10")),
                    Long.getLong("bench.rebuild.history", 40_000),
                    System.getProperty("bench.rebuild.grace", "PT5S"),
                    Integer.getInteger("bench.rebuild.timeout-seconds", 300),
                    Arrays.stream(System.getProperty("bench.rebuild.budgets", "2000," + UNTHROTTLED).split(",")).map(String::trim)
                            .map(Integer::parseInt).toList(),
                    // After the app's: the JVM takes the last of a repeated option (as JAVA_OPTS_APPEND in the image).
                    Arrays.stream(System.getProperty("bench.rebuild.job-jvm-options", "").trim().split("\\s+")).filter(o -> !o.isEmpty())
                            .toList());
        }
    }

    /** The generation pointer as Redis holds it (none yet: the first generation, idle). */
    private record Pointer(long current, String phase, long version) {
        @Override
        public String toString() {
            return "generation " + current + " " + phase + " (version " + version + ")";
        }
    }

    /** Each run's figures under "rebuild" in the results; fails, once every run is recorded, if a check failed. */
    void run(KafkaSide kafka, LoadStream stream) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("liveOfferedPerSecond", settings.liveRate());
        described.put("liveStepSeconds", settings.stepSeconds());
        described.put("warmUpSeconds", settings.warmUpSeconds());
        described.put("historyRecords", settings.history());
        described.put("grace", settings.grace());
        described.put("removeOld", false);
        described.put("progressEvery", "PT1S");
        described.put("jobJvmOptionsAdded", settings.jobJvmOptions());
        r.put("settings", described);
        List<Map<String, Object>> runs = new ArrayList<>();
        r.put("runs", runs);
        record.put("rebuild", r);
        if (settings.warmUpSeconds() > 0) {
            // As before the Kafka lag steps: the paths of small batches at a fixed rate compiled
            // first, or the first step alone measures the JIT (a run of this phase alone comes
            // straight from the drain).
            record.phase("rebuild-warm-up");
            long base = app.kafkaOutcomes()[0];
            int warmRate = Integer.getInteger("bench.kafka-warmup-rate", 2500);
            List<Event> sent = kafka.paced(stream, warmRate, settings.warmUpSeconds());
            kafkaPath.awaitCount(base, sent.size(), 120, false);
            record.say("rebuild: warm-up (not counted): %d events at %d/s", sent.size(), warmRate);
        }
        List<String> failures = new ArrayList<>();
        for (int budget : settings.budgets()) {
            Map<String, Object> run = once(kafka, stream, budget, settings);
            runs.add(run);
            if (run.get("failed") instanceof List<?> failed && !failed.isEmpty()) {
                failures.add(run.get("label") + ": " + failed);
                Pointer left = pointer();
                if (!left.phase().equals("IDLE")) {
                    // An operator would start the job again, which goes on from there; this phase does not.
                    failures.add("later runs left out, the pointer is left at " + left);
                    break;
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("rebuild phase FAILED: " + String.join("; ", failures));
        }
    }

    private Map<String, Object> once(KafkaSide kafka, LoadStream stream, int budget, Settings settings) throws Exception {
        String label = budget >= UNTHROTTLED ? "unthrottled" : "at-" + budget;
        String shown = budget >= UNTHROTTLED ? "unthrottled" : "at " + budget + "/s";
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("label", label);
        run.put("maxEventsPerSecond", budget);
        Pointer before = pointer();
        if (!before.phase().equals("IDLE")) {
            throw new IllegalStateException("a rebuild is already under way: " + before);
        }
        Generation live = new Generation(before.current());

        record.phase("rebuild-" + label + "-alone");
        long base = app.kafkaOutcomes()[0];
        long[] cpu0 = app.cpuTicks();
        long t0 = System.nanoTime();
        List<Event> aloneSent = kafka.paced(stream, settings.liveRate(), settings.stepSeconds());
        double aloneSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> aloneDrained = kafkaPath.awaitCount(base, aloneSent.size(), 120, false);
        long[] cpu1 = app.cpuTicks();
        SortedMap<Long, Histogram> aloneBySecond = new TreeMap<>();
        Map<String, Object> alone = live(settings.liveRate(), aloneSent, aloneSeconds, aloneDrained, probeLag(aloneSent, live, aloneBySecond));
        alone.put("cpuSecondsPerProcess", ProcessCpu.seconds(cpu0, cpu1));
        run.put("liveAlone", alone);
        record.say("rebuild %s: the live path alone: %s", shown, alone);

        Map<String, Object> history = history(kafka, stream, settings.history());
        run.put("history", history);
        record.say("rebuild %s: history on the topics: %s", shown, history);

        record.phase("rebuild-" + label);
        base = app.kafkaOutcomes()[0];
        cpu0 = app.cpuTicks();
        double launchedAt = record.series.now();
        long launched = System.nanoTime();
        List<String> jobOptions = new ArrayList<>(settings.jobJvmOptions());
        jobOptions.addAll(List.of("-Dprofiles.rebuild.run=true", "-Dprofiles.kafka.consumers.enabled=false", "-Dprofiles.sweeper.every=off",
                "-Dquarkus.log.console.json.enabled=false", "-Dprofiles.rebuild.max-events-per-second=" + budget,
                "-Dprofiles.rebuild.grace=" + settings.grace(), "-Dprofiles.rebuild.remove-old=false", "-Dprofiles.rebuild.progress-every=PT1S"));
        PackagedApp job = app.startBeside("rebuild-" + label, "rebuild-" + label + ".log", jobOptions.toArray(String[]::new));
        Watcher watcher = new Watcher(job, before.version(), launched);
        watcher.start();
        List<Event> sent;
        Integer exit = null;
        try {
            sent = kafka.paced(stream, settings.liveRate(), settings.timeoutSeconds(), () -> !job.isAlive() || watcher.died != null);
        } finally {
            if (job.isAlive()) {
                job.kill();
            } else {
                exit = job.awaitExit(Duration.ofSeconds(10));
            }
            watcher.finish();
        }
        double sendSeconds = (System.nanoTime() - launched) / 1e9;
        double exitedAt = record.series.now();
        cpu1 = app.cpuTicks();
        Map<String, Object> drained = kafkaPath.awaitCount(base, sent.size(), 120, false);
        SortedMap<Long, Histogram> duringBySecond = new TreeMap<>();
        ProbeLag duringLag = probeLag(sent, live, duringBySecond);
        RebuildLog log = RebuildLog.parse(job.output().lines().toList());
        Pointer after = pointer();

        Map<String, Object> rebuild = new LinkedHashMap<>();
        rebuild.put("from", before.toString());
        rebuild.put("to", after.toString());
        rebuild.put("exitCode", exit);
        rebuild.put("recordsRead", log.done() == null ? null : log.done().read());
        rebuild.put("outcomes", log.done() == null ? null : log.done().outcomes());
        Double perSecond = log.buildingPerSecond();
        rebuild.put("readPerSecondWhileBuilding", perSecond == null ? null : Math.round(perSecond));
        Double lastSeconds = log.buildingPerSecond(LAST_SECONDS);
        rebuild.put("readPerSecondLast5sOfBuilding", lastSeconds == null ? null : Math.round(lastSeconds));
        rebuild.put("jobReportedPerSecond", log.lastBuildingPerSecond());
        Map<String, Object> seconds = new LinkedHashMap<>();
        for (String phase : List.of("BUILDING", "DUAL", "SWITCHED", "IDLE")) {
            Double at = watcher.firstSeen.get(phase);
            seconds.put("launchTo" + phase.charAt(0) + phase.substring(1).toLowerCase(Locale.ROOT), at == null ? null : Report.round(at));
        }
        seconds.put("launchToExit", Report.round(sendSeconds));
        rebuild.put("seconds", seconds);
        rebuild.put("steps", log.steps());
        rebuild.put("notRetained", log.notRetained());
        rebuild.put("jobCpuSecondsWithStartUp", Report.round(watcher.jobTicks / 100.0));
        rebuild.put("log", BenchMain.asRecorded(job.log()));
        run.put("rebuild", rebuild);

        Map<String, Object> during = live(settings.liveRate(), sent, sendSeconds, drained, duringLag);
        during.put("cpuSecondsPerProcess", ProcessCpu.seconds(cpu0, cpu1));
        run.put("liveDuring", during);

        Map<String, Double> marks = new LinkedHashMap<>();
        marks.put("launchedAt", launchedAt);
        watcher.firstSeen.forEach((phase, at) -> marks.put(phase.toLowerCase(Locale.ROOT) + "At", launchedAt + at));
        marks.put("exitedAt", exitedAt);
        record.series.rebuild(label, marks, aloneBySecond, duringBySecond);

        List<String> failed = check(exit, log, before, after, aloneSent);
        if (watcher.died != null) {
            failed.add(0, "the job's rebuild thread died (the job never exits then, so it was killed): " + watcher.died);
        }
        run.put("failed", failed);
        record.say("rebuild %s: %s", shown, rebuild);
        record.say("rebuild %s: the live path during it: %s", shown, during);
        record.say("rebuild %s: %s records/s (%s/s over its last 5 s of building) into generation %d beside the live path's %d events/s"
                + " offered; live lag p99 %s ms alone, %s ms during; switched %s s after the launch, exit %s%s", shown,
                rebuild.get("readPerSecondWhileBuilding"), rebuild.get("readPerSecondLast5sOfBuilding"), before.current() + 1, settings.liveRate(),
                Report.path(alone, "lagMillis", "p99"), Report.path(during, "lagMillis", "p99"), seconds.get("launchToSwitched"), exit,
                failed.isEmpty() ? "" : "; FAILED: " + failed);
        return run;
    }

    /** What went wrong, if anything: the job's exit, its last line, the pointer, and profiles read back over HTTP. */
    private List<String> check(Integer exit, RebuildLog log, Pointer before, Pointer after, List<Event> aloneSent) throws Exception {
        List<String> failed = new ArrayList<>();
        if (exit == null || exit != 0) {
            failed.add("the job " + (exit == null ? "did not exit by itself and was killed" : "exited " + exit));
        }
        if (log.done() == null) {
            failed.add("the job printed no 'rebuild: done' line");
        }
        if (after.current() != before.current() + 1 || !after.phase().equals("IDLE")) {
            failed.add("the pointer " + Generations.POINTER + " went from " + before + " to " + after + ", not to the next generation, idle");
        }
        List<Event> probes = aloneSent.stream().filter(Event::probe).toList();
        for (Event probe : probes.subList(Math.max(0, probes.size() - CHECKED_PROFILES), probes.size())) {
            HttpResponse<String> answer = app.send(HttpRequest.newBuilder(app.uri("/profiles/" + probe.userId())).timeout(Duration.ofSeconds(10)).build());
            JsonNode written = answer.statusCode() == 200
                    ? Report.JSON.readTree(answer.body()).path("freshness").path(probe.kind().name().toLowerCase(Locale.ROOT)).path("writtenAt")
                    : null;
            if (written == null || !written.isNumber()) {
                failed.add("GET /profiles/" + probe.userId() + " answered " + answer.statusCode() + " " + answer.body());
            }
        }
        return failed;
    }

    /** A live step's figures, as the Kafka lag steps give them. */
    private static Map<String, Object> live(int rate, List<Event> sent, double sendSeconds, Map<String, Object> drained, ProbeLag lag) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("offeredPerSecond", rate);
        step.put("achievedSendPerSecond", Math.round(sent.size() / sendSeconds));
        step.put("seconds", Report.round(sendSeconds));
        step.put("events", sent.size());
        step.put("drainedAfterSendSeconds", Report.round(((Number) drained.get("seconds")).doubleValue()));
        step.put("complete", drained.get("complete"));
        step.put("lagMillis", Report.percentiles(lag.lag(), 1));
        step.put("probes", lag.probes());
        // During a rebuild: the probes the live path applied after the switch, to the new generation only.
        step.put("probesLeftOut", lag.missing());
        return step;
    }

    /** The lag of the probes whose profile {@code generation} holds, and how many it does not. */
    private record ProbeLag(Histogram lag, int probes, int missing) {
    }

    /**
     * The probes' lag as {@link KafkaScenarios} takes it (the profile's written time of the probe's
     * source minus the event time), read straight from {@code generation}'s profile hashes (the
     * field the API shows as freshness.SOURCE.writtenAt).
     */
    private ProbeLag probeLag(List<Event> sent, Generation generation, SortedMap<Long, Histogram> bySecond) throws Exception {
        List<Event> probes = sent.stream().filter(Event::probe).toList();
        List<List<String>> reads = probes.stream().map(p -> List.of("HGET", ProfileKeys.profile(generation, p.userId()),
                "src:" + p.kind().name().toLowerCase(Locale.ROOT) + ":written_at")).toList();
        List<String> written = redis.callEach(reads);
        Histogram lag = new Histogram(3_600_000L, 3);
        int missing = 0;
        for (int i = 0; i < probes.size(); i++) {
            if (written.get(i).isEmpty()) {
                missing++;
            } else {
                KafkaScenarios.recordLag(record, lag, bySecond, probes.get(i), Long.parseLong(written.get(i)));
            }
        }
        return new ProbeLag(lag, probes.size(), missing);
    }

    /**
     * Sets the records on the functions' topics to {@code wanted} (0: leaves them as they are): the
     * oldest deleted, each partition keeping its share, as retention would; or more of the stream
     * produced (and applied by the app) when they hold fewer.
     */
    private Map<String, Object> history(KafkaSide kafka, LoadStream stream, long wanted) throws Exception {
        Map<String, Object> h = new LinkedHashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, long[]> offsets = offsets(admin);
            long held = held(offsets);
            h.put("retainedBefore", held);
            if (wanted > 0 && held > wanted) {
                Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
                offsets.forEach((partition, range) -> {
                    long keep = Math.round((double) wanted * (range[1] - range[0]) / held);
                    if (range[1] - range[0] > keep) {
                        delete.put(partition, RecordsToDelete.beforeOffset(range[1] - keep));
                    }
                });
                admin.deleteRecords(delete).all().get(60, TimeUnit.SECONDS);
            } else if (wanted > held) {
                int more = (int) (wanted - held);
                long base = app.kafkaOutcomes()[0];
                for (Event e : stream.batch(more, System.currentTimeMillis())) {
                    kafka.send(e);
                }
                kafka.flush();
                kafkaPath.awaitCount(base, more, 120, false);
                h.put("produced", more);
            }
            offsets = offsets(admin);
            h.put("retained", held(offsets));
            Map<String, Long> byTopic = new TreeMap<>();
            offsets.forEach((partition, range) -> byTopic.merge(partition.topic(), range[1] - range[0], Long::sum));
            h.put("retainedByTopic", byTopic);
        }
        return h;
    }

    /** {first retained offset, end offset} of each partition of the functions' topics. */
    private static Map<TopicPartition, long[]> offsets(Admin admin) throws Exception {
        List<String> topics = Arrays.stream(Kind.values()).map(Kind::topic).toList();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((topic, description) -> description.partitions()
                .forEach(p -> {
                    earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
                    latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
                }));
        Map<TopicPartition, ListOffsetsResultInfo> first = admin.listOffsets(earliest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> end = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, long[]> r = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        earliest.keySet().forEach(p -> r.put(p, new long[] { first.get(p).offset(), end.get(p).offset() }));
        return r;
    }

    private static long held(Map<TopicPartition, long[]> offsets) {
        return offsets.values().stream().mapToLong(range -> range[1] - range[0]).sum();
    }

    private Pointer pointer() throws Exception {
        String[] fields = redis.call("HMGET", Generations.POINTER, "current", "phase", "version").trim().split("\\s+");
        if (fields.length < 3) {
            return new Pointer(0, "IDLE", 0);
        }
        return new Pointer(Long.parseLong(fields[0]), fields[1], Long.parseLong(fields[2]));
    }

    /**
     * Every 200 ms while the job runs: the pointer's phase (when each phase of this rebuild was
     * first seen, in seconds since the launch), the job's CPU time, and whether its rebuild thread
     * died (RebuildJob ends the job only when the rebuild returns or throws a RuntimeException; an
     * Error ends the thread, and the process runs on).
     */
    private final class Watcher extends Thread {
        private static final String THREAD_DIED = "Exception in thread \"profile-rebuild\" ";
        private final long jobPid;
        private final Path jobLog;
        private final long versionBefore;
        private final long started;
        final Map<String, Double> firstSeen = new LinkedHashMap<>();
        volatile long jobTicks;
        /** What ended the job's rebuild thread, as its log says; null while it runs. */
        volatile String died;
        private volatile boolean finished;

        Watcher(PackagedApp job, long versionBefore, long launchedNanos) {
            super("rebuild-watcher");
            setDaemon(true);
            this.jobPid = job.pid();
            this.jobLog = job.log();
            this.versionBefore = versionBefore;
            this.started = launchedNanos;
        }

        @Override
        public void run() {
            while (!finished) {
                try {
                    jobTicks = Math.max(jobTicks, ProcessCpu.ticks(jobPid));
                    String output = Files.readString(jobLog);
                    int at = output.indexOf(THREAD_DIED);
                    if (at >= 0 && died == null) {
                        int end = output.indexOf('\n', at);
                        died = output.substring(at + THREAD_DIED.length(), end < 0 ? output.length() : end).strip();
                    }
                    Pointer p = pointer();
                    if (p.version() > versionBefore) {
                        synchronized (firstSeen) {
                            firstSeen.putIfAbsent(p.phase(), (System.nanoTime() - started) / 1e9);
                        }
                    }
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    record.say("  (rebuild watcher: %s)", e);
                }
            }
        }

        void finish() throws Exception {
            finished = true;
            join(5_000);
            // The last reading: a phase the job passed through in its last 200 ms.
            Pointer p = pointer();
            if (p.version() > versionBefore) {
                synchronized (firstSeen) {
                    firstSeen.putIfAbsent(p.phase(), (System.nanoTime() - started) / 1e9);
                }
            }
        }
    }
}
