package com.example.profiles.devtools.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import org.HdrHistogram.Histogram;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.freshness.FreshnessIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The benchmark driver (see BENCHMARKS.md; started by bench/run.sh once Redis and Kafka run).
 * In one run: the machine's limits (redis-benchmark of the real update scripts, the broker's raw
 * produce/consume rate), then the app started from its jar (start-up time), the Kafka path at
 * saturation (a backlog drained) and at fixed offered rates (freshness lag from probe events),
 * the HTTP path at fixed rates and at saturation, profile reads, resident memory, and a sweep over
 * a million profiles. Writes results.json, summary.txt and lag-vs-load.png to the output folder.
 */
public final class BenchMain {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path out;
    private final String redisUri;
    private final String kafkaBootstrap;
    private final long stackPid;
    private final Path jar;
    private final List<String> appJvmOptions;
    private final LoadStream.Settings streamSettings;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String> summary = new ArrayList<>();
    private final RedisSide redis;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private Process app;
    private long appPid;
    private int appPort;
    private long redisPid;
    private volatile String phase = "start";
    private final Map<String, Long> maxRssKb = new ConcurrentHashMap<>();
    private final Map<String, Long> maxRssAnonKb = new ConcurrentHashMap<>();

    private BenchMain(Map<String, String> env, Path out, Path jar, List<String> appJvmOptions, long stackPid) {
        this.out = out;
        this.redisUri = env.get("REDIS_URL");
        this.kafkaBootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        this.jar = jar;
        this.appJvmOptions = appJvmOptions;
        this.stackPid = stackPid;
        this.streamSettings = LoadStream.Settings.fromSystemProperties();
        this.redis = new RedisSide(redisUri);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = Path.of(options.getOrDefault("out", "target/bench"));
        Files.createDirectories(out);
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(options.getOrDefault("env", "target/bench/stack.env")))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        List<String> jvm = List.of(options.getOrDefault("app-jvm", "-Xmx128m").trim().split("\\s+"));
        BenchMain bench = new BenchMain(env, out, Path.of(options.getOrDefault("jar", "src/knative/target/quarkus-app/quarkus-run.jar")), jvm,
                Long.parseLong(options.getOrDefault("stack-pid", "0")));
        try {
            bench.run();
        } finally {
            bench.stopApp();
        }
    }

    // ------------------------------------------------------------------------------------------

    /**
     * The phases to run, from {@code -Dbench.phases} (default: all). The start-up and the drain of
     * the backlog always run (they start the app); leaving the others out makes a quick comparison
     * of two builds or JVM settings, e.g. {@code -Dbench.phases=kafka-lag}.
     */
    private static boolean phase(String name) {
        String phases = System.getProperty("bench.phases", "all");
        return phases.equals("all") || List.of(phases.split(",")).contains(name);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        machine();
        redisPid = Long.parseLong(infoField(redis.call("INFO", "server"), "process_id"));
        Map<String, Object> limits = new LinkedHashMap<>();
        results.put("limits", limits);
        if (phase("limits")) {
            limits.put("redis", redisLimits());
        }
        String run = UUID.randomUUID().toString().substring(0, 6);
        LoadStream stream = new LoadStream(streamSettings, 42, run);
        results.put("stream", streamDescription(stream));
        try (KafkaSide kafka = new KafkaSide(kafkaBootstrap)) {
            if (phase("limits")) {
                limits.put("kafka", kafkaLimit(kafka, stream));
            }
            redis.call("FLUSHALL");
            if (phase("cold-start")) {
                coldStart(kafka, stream);
            }
            // The later phases need the app the drain starts; -Dbench.phases=cold-start alone
            // measures only the start-ups (under a minute).
            if (phase("drain") || phase("limits") || phase("kafka-lag") || phase("http") || phase("reads") || phase("profile")
                    || phase("sweep")) {
                loadPhases(kafka, stream, limits);
            }
        }
        if (phase("sweep")) {
            sweep();
        }
        results.put("maxRssMbByPhase", byPhaseMb(maxRssKb));
        results.put("maxRssAnonMbByPhase", byPhaseMb(maxRssAnonKb));
        results.put("benchSeconds", Math.round((System.nanoTime() - started) / 1e9));
        stopApp();
        results.put("gc", gcSummary());
        writeResults();
    }

    /** The drain (which starts the app for what follows), the limits after it, lag, HTTP, reads, the profiled drain. */
    private void loadPhases(KafkaSide kafka, LoadStream stream, Map<String, Object> limits) throws Exception {
        startAndDrain(kafka, stream);
        // The machine is shared: measure Redis's limit again right after the drain, so the
        // ratio can be taken against what the machine gave at that time too.
        if (phase("limits")) {
            phase = "limits-after-drain";
            limits.put("redisAfterDrain", redisPipelinedMix(60_000));
        }
        if (phase("kafka-lag") && appConsumers()) {
            kafkaLagSteps(kafka, stream);
        }
        try (HttpSide client = new HttpSide(appPort, 64)) {
            if (phase("http")) {
                httpPhases(client, stream);
            }
            if (phase("reads")) {
                reads(client, stream);
            }
        }
        if (appJvmOptions.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking"))) {
            Files.writeString(out.resolve("nmt.txt"), jcmdOutput("VM.native_memory", "summary"));
        }
        if (phase("profile") && appConsumers()) {
            profiledDrain(kafka, stream);
        }
    }

    private void machine() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("memTotal", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
        m.put("cpuModel", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        m.put("appJvmOptions", appJvmOptions);
        // Read by Report: which app the load phases measured.
        m.put("appConsumers", appConsumers());
        results.put("machine", m);
        say("machine: %s", m);
    }

    // ------------------------------------------------------------------------------------------
    // The limits

    private Map<String, Object> redisLimits() throws Exception {
        phase = "limits";
        Map<String, Object> r = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (Map.Entry<String, List<String>> script : benchCommands(now).entrySet()) {
            String sha = redis.call("SCRIPT", "LOAD", scriptSource(script.getKey()));
            if (!sha.equals(script.getValue().get(1))) {
                throw new IllegalStateException("SHA mismatch for " + script.getKey());
            }
            List<String> command = script.getValue();
            Map<String, Object> pipelined = redis.benchmark(200_000, 50, 16, 100_000, command);
            Map<String, Object> plain = redis.benchmark(60_000, 50, 1, 100_000, command);
            r.put(script.getKey(), Map.of("pipelined16", pipelined, "unpipelined", plain));
            say("redis-benchmark %s: pipelined %s/s, unpipelined %s/s", script.getKey(), pipelined.get("perSecond"), plain.get("perSecond"));
        }
        // The stream's mix: the time per event is the share-weighted time per script.
        double mixPipelined = mixRate(r, "pipelined16");
        double mixPlain = mixRate(r, "unpipelined");
        r.put("mixPipelinedPerSecond", Math.round(mixPipelined));
        r.put("mixUnpipelinedPerSecond", Math.round(mixPlain));
        say("redis-benchmark, the stream's mix of the three scripts: pipelined %.0f/s, unpipelined %.0f/s", mixPipelined, mixPlain);
        return r;
    }

    /** The pipelined rate of the three scripts (shorter runs), and the stream's mix of them. */
    private Map<String, Object> redisPipelinedMix(int requests) throws Exception {
        Map<String, Object> r = pipelinedMix(redis, streamSettings, requests);
        say("redis-benchmark again after the drain: the mix pipelined %s/s", r.get("mixPipelinedPerSecond"));
        return r;
    }

    /**
     * {@code redis-benchmark} of each update script (50 clients, pipelined 16), and the stream's mix
     * of them: the time per event is the share-weighted time per script. Also used by {@link ScriptCost}.
     */
    static Map<String, Object> pipelinedMix(RedisSide redis, LoadStream.Settings streamSettings, int requests) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        double secondsPerEvent = 0;
        double[] shares = { streamSettings.purchaseShare(), streamSettings.cartShare(), streamSettings.customerShare() };
        int i = 0;
        for (Map.Entry<String, List<String>> script : benchCommands(now).entrySet()) {
            redis.call("SCRIPT", "LOAD", scriptSource(script.getKey()));
            Map<String, Object> m = redis.benchmark(requests, 50, 16, 100_000, script.getValue());
            r.put(script.getKey(), m);
            secondsPerEvent += shares[i++] / ((Number) m.get("perSecond")).doubleValue();
        }
        r.put("mixPipelinedPerSecond", Math.round(1 / secondsPerEvent));
        return r;
    }

    /**
     * The redis-benchmark command of each update script: one sample event of its kind, built into
     * its EVALSHA by the functions' own code (ScriptCalls), for a user and an event id drawn by
     * redis-benchmark ({@code __rand_int__}; each occurrence is drawn on its own).
     */
    static Map<String, List<String>> benchCommands(long now) throws Exception {
        ScriptCalls calls = new ScriptCalls();
        Map<String, List<String>> commands = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            commands.put(kind.name().toLowerCase(java.util.Locale.ROOT), calls.sample(kind, "rb__rand_int__", "d__rand_int__", now - 1000, now));
        }
        return commands;
    }

    /** The script source each benchmark command's SHA names. */
    static String scriptSource(String name) {
        return ProfileScript.update(name, name.equals("customer") ? new String[] { "cart-lib", "erasure-lib" } : new String[] { "cart-lib" }).source();
    }

    @SuppressWarnings("unchecked")
    private double mixRate(Map<String, Object> r, String mode) {
        double[] shares = { streamSettings.purchaseShare(), streamSettings.cartShare(), streamSettings.customerShare() };
        String[] names = { "purchase", "cart", "customer" };
        double secondsPerEvent = 0;
        for (int i = 0; i < 3; i++) {
            Map<String, Object> m = (Map<String, Object>) ((Map<String, Object>) r.get(names[i])).get(mode);
            secondsPerEvent += shares[i] / ((Number) m.get("perSecond")).doubleValue();
        }
        return 1 / secondsPerEvent;
    }

    private Map<String, Object> kafkaLimit(KafkaSide kafka, LoadStream stream) throws Exception {
        List<Event> sample = stream.batch(5_000, System.currentTimeMillis());
        Map<String, Object> limit = kafka.rawLimit(sample, 300_000);
        say("kafka raw (kafka-clients loop, same record sizes): %s", limit);
        return limit;
    }

    private Map<String, Object> streamDescription(LoadStream stream) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("settings", streamSettings);
        s.put("busiestUserShare", stream.busiestUserShare());
        return s;
    }

    // ------------------------------------------------------------------------------------------
    // Start-up and the Kafka path at saturation

    /**
     * Start-up as a scale-from-zero sees it: one event waiting on Kafka and HTTP requests arriving
     * from the launch on, nothing else. The app is stopped afterwards; the drain starts it again.
     */
    private void coldStart(KafkaSide kafka, LoadStream stream) throws Exception {
        // As a Knative Service runs it: the app's own Kafka consumers off (the Broker delivers over
        // HTTP; infra/knative sets PROFILES_KAFKA_CONSUMERS_ENABLED=false), so the start-up a
        // scale-from-zero pays is to the first HTTP event.
        phase = "cold-start";
        Map<String, Object> knative = startAsKnative("app-cold-start-knative.log");
        results.put("coldStartKnative", knative);
        say("cold start as Knative runs it (own Kafka consumers off): %s", knative);
        stopApp();

        // With the Kafka consumers on (the Kafka path's deployment, and local runs).
        Event firstKafka = stream.probe(Kind.PURCHASE, System.currentTimeMillis());
        kafka.send(firstKafka);
        kafka.flush();
        long launchedAt = launchApp("app-cold-start.log");
        Map<String, Object> r = firstEvents(launchedAt, firstKafka, "app-cold-start.log");
        results.put("coldStart", r);
        say("cold start (one event waiting): %s", r);
        stopApp();
    }

    /**
     * -Dbench.app-consumers=false runs the app as a Knative Service does, its own Kafka consumers
     * off: the load phases then measure the HTTP path alone (no drain, no Kafka steps), which is
     * what the deployed functions' memory is sized for.
     */
    private static boolean appConsumers() {
        return Boolean.parseBoolean(System.getProperty("bench.app-consumers", "true"));
    }

    /** Launches the app with its own Kafka consumers off, as a Knative Service runs it: launch to the first HTTP event. */
    private Map<String, Object> startAsKnative(String logName) throws Exception {
        long launchedAt = launchApp(logName, "-Dprofiles.kafka.consumers.enabled=false");
        return firstEvents(launchedAt, null, logName);
    }

    private void startAndDrain(KafkaSide kafka, LoadStream stream) throws Exception {
        if (!appConsumers()) {
            phase = "startup";
            Map<String, Object> startup = startAsKnative("app.log");
            results.put("startup", startup);
            say("start-up as Knative runs it (own Kafka consumers off; no drain, no Kafka steps): %s", startup);
            return;
        }
        int backlog = Integer.getInteger("bench.backlog", 300_000);
        Event firstKafka = stream.probe(Kind.PURCHASE, System.currentTimeMillis());
        kafka.send(firstKafka);
        List<Event> events = stream.batch(backlog, System.currentTimeMillis());
        for (Event e : events) {
            kafka.send(e);
        }
        kafka.flush();
        long expected = backlog + 1;
        say("backlog of %d events produced to the three topics; starting the app", expected);

        phase = "startup";
        long launchedAt = launchApp("app.log");
        Map<String, Object> startup = firstEvents(launchedAt, firstKafka, "app.log");
        results.put("startup", startup);
        say("start-up with the backlog waiting: %s", startup);

        phase = "kafka-saturation";
        // Redis's own account of its time per command during the drain (INFO commandstats).
        redis.call("CONFIG", "RESETSTAT");
        Map<String, Object> drain = awaitDrain(expected, 300, true);
        drain.put("redisCommands", commandStats(expected));
        results.put("kafkaSaturation", drain);
        say("kafka drain: %s", drain);
    }

    private Map<String, Object> commandStats(long events) throws IOException {
        return commandStats(redis, events);
    }

    /** INFO commandstats since the last RESETSTAT: each command's fields (calls, usec, usec_per_call, ...) by its name. */
    static Map<String, Map<String, String>> commandStatFields(RedisSide redis) throws IOException {
        Map<String, Map<String, String>> byCommand = new LinkedHashMap<>();
        for (String line : redis.call("INFO", "commandstats").split("\\r?\\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                int eq = kv.indexOf('=');
                fields.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            byCommand.put(line.substring("cmdstat_".length(), line.indexOf(':')), fields);
        }
        return byCommand;
    }

    /** Per command since the last RESETSTAT: calls, microseconds per call, and microseconds per event. Also used by {@link ScriptCost}. */
    static Map<String, Object> commandStats(RedisSide redis, long events) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> command : commandStatFields(redis).entrySet()) {
            String name = command.getKey();
            Map<String, String> fields = command.getValue();
            long calls = Long.parseLong(fields.getOrDefault("calls", "0"));
            long usec = Long.parseLong(fields.getOrDefault("usec", "0"));
            if (calls == 0 || usec * 1000 < events) {
                continue; // less than a nanosecond per event: not worth a line
            }
            r.put(name, Map.of("calls", calls, "usecPerCall", fields.get("usec_per_call"), "usecPerEvent", round((double) usec / events)));
        }
        return r;
    }

    /** Launch to the first HTTP event applied (one tried every 10 ms) and to {@code firstKafka} written (unless null). */
    private Map<String, Object> firstEvents(long launchedAt, Event firstKafka, String logName) throws Exception {
        Map<String, Object> startup = new LinkedHashMap<>();
        LoadStream probes = new LoadStream(streamSettings, 7, "start-" + UUID.randomUUID().toString().substring(0, 4));
        long firstHttpApplied = -1;
        // The app's CPU time (user + system, all threads) up to each first event: on a shared
        // machine the wall time includes waiting for a core, this does not.
        long cpuToFirstHttp = -1;
        try (HttpSide client = new HttpSide(appPort, 4)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                Object[] answer = client.once(new HttpSide.Call(probes.probe(Kind.PURCHASE, System.currentTimeMillis()), null));
                if ((int) answer[0] == 200 && answer[1].toString().contains("\"APPLIED\"")) {
                    firstHttpApplied = System.currentTimeMillis();
                    cpuToFirstHttp = ticks(appPid) * 10;
                    break;
                }
                Thread.sleep(10);
            }
        }
        startup.put("launchToFirstHttpEventAppliedMillis", firstHttpApplied < 0 ? null : firstHttpApplied - launchedAt);
        startup.put("quarkusReportedStartSeconds", quarkusStartSeconds(logName));
        startup.put("appCpuMillisToFirstHttpEvent", cpuToFirstHttp < 0 ? null : cpuToFirstHttp);
        if (firstKafka != null) {
            JsonNode profile = awaitProfile(firstKafka.userId(), 60_000);
            long cpuToFirstKafka = profile == null ? -1 : ticks(appPid) * 10;
            long firstKafkaWritten = profile == null ? -1 : profile.path("freshness").path("purchase").path("writtenAt").asLong(-1);
            startup.put("launchToFirstKafkaEventWrittenMillis", firstKafkaWritten < 0 ? null : firstKafkaWritten - launchedAt);
            // Read when the driver saw the profile (it polls every 10 ms), so a little late.
            startup.put("appCpuMillisToFirstKafkaEventSeen", cpuToFirstKafka < 0 ? null : cpuToFirstKafka);
        }
        return startup;
    }

    /** Waits until the app has counted {@code expected} more Kafka outcomes; samples the rate. */
    private Map<String, Object> awaitDrain(long expected, int timeoutSeconds, boolean fromZero) throws Exception {
        long base = fromZero ? 0 : kafkaOutcomes()[0];
        return awaitCount(base, expected, timeoutSeconds);
    }

    private Map<String, Object> awaitCount(long base, long expected, int timeoutSeconds) throws Exception {
        long[] cpu0 = cpuTicks();
        Map<String, Long> threads0 = threadTicks(appPid);
        long t0 = System.nanoTime();
        List<double[]> samples = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long[] counts;
        do {
            Thread.sleep(1000);
            counts = kafkaOutcomes();
            samples.add(new double[] { (System.nanoTime() - t0) / 1e9, counts[0] - base, counts[1] });
        } while (counts[0] - base < expected && System.nanoTime() < deadline);
        long[] cpu1 = cpuTicks();
        Map<String, Long> threads1 = threadTicks(appPid);
        double seconds = (System.nanoTime() - t0) / 1e9;
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
        r.put("seconds", round(seconds));
        r.put("cpuSecondsPerProcess", cpuShare(cpu0, cpu1));
        r.put("cpuMicrosPerEvent", cpuPerEvent(cpu0, cpu1, counts[0] - base));
        r.put("appCpuSecondsByThread", threadDelta(threads0, threads1));
        return r;
    }

    /** CPU ticks per thread of a process, threads of the same name (digits dropped) added up. */
    private static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> r = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    r.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return r;
        }
        return r;
    }

    private static Map<String, Object> threadDelta(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Object> r = new LinkedHashMap<>();
        b.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - a.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                .forEach(e -> r.put(e.getKey(), round(e.getValue() / 100.0)));
        return r;
    }

    /** {total Kafka outcomes, applied} from the app's Prometheus counters. */
    private long[] kafkaOutcomes() throws Exception {
        String metrics = get("/q/metrics");
        long total = 0;
        long applied = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("profile_events_total{") && line.contains("trigger=\"kafka\"")) {
                long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                total += value;
                if (line.contains("outcome=\"applied\"")) {
                    applied += value;
                }
            }
        }
        return new long[] { total, applied };
    }

    // ------------------------------------------------------------------------------------------
    // Freshness lag on the Kafka path at fixed offered rates

    private void kafkaLagSteps(KafkaSide kafka, LoadStream stream) throws Exception {
        List<Map<String, Object>> steps = new ArrayList<>();
        results.put("kafkaLag", steps);
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
            phase = "kafka-warm-up";
            long base = kafkaOutcomes()[0];
            int warmRate = Integer.getInteger("bench.kafka-warmup-rate", 2500);
            List<Event> sent = kafka.paced(stream, warmRate, warmUp);
            awaitCount(base, sent.size(), 120);
            say("kafka warm-up (not counted): %d events at %d/s", sent.size(), warmRate);
        }
        for (int rate : rates) {
            phase = "kafka-" + rate;
            long base = kafkaOutcomes()[0];
            long[] cpu0 = cpuTicks();
            long t0 = System.nanoTime();
            List<Event> sent = kafka.paced(stream, rate, seconds);
            double sendSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> drained = awaitCount(base, sent.size(), 120);
            long[] cpu1 = cpuTicks();
            Histogram lag = probeLag(sent);
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("offeredPerSecond", rate);
            step.put("achievedSendPerSecond", Math.round(sent.size() / sendSeconds));
            step.put("events", sent.size());
            step.put("drainedAfterSendSeconds", round(((Number) drained.get("seconds")).doubleValue()));
            step.put("complete", drained.get("complete"));
            step.put("lagMillis", percentiles(lag, 1));
            step.put("cpuMicrosPerEvent", cpuPerEvent(cpu0, cpu1, sent.size()));
            steps.add(step);
            say("kafka %d/s offered: %s", rate, step);
            if (lag.getValueAtPercentile(50) > 2_000 || !Boolean.TRUE.equals(drained.get("complete"))) {
                say("kafka: saturated at %d/s offered (p50 lag over 2 s); no higher rates", rate);
                break;
            }
        }
    }

    /** Per probe event: its profile's freshness.writtenAt minus its event time. */
    private Histogram probeLag(List<Event> sent) throws Exception {
        Histogram lag = new Histogram(3_600_000L, 3);
        List<Event> probes = sent.stream().filter(Event::probe).toList();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long[] missing = { 0 };
        for (Event probe : probes) {
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/profiles/" + probe.userId())).timeout(Duration.ofSeconds(10)).build();
            all.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(resp -> {
                try {
                    if (resp.statusCode() == 200) {
                        JsonNode written = JSON.readTree(resp.body()).path("freshness").path(probe.kind().name().toLowerCase()).path("writtenAt");
                        if (written.isNumber()) {
                            synchronized (lag) {
                                lag.recordValue(Math.max(0, Math.min(3_600_000L, written.asLong() - probe.eventTime())));
                            }
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
            say("  (%d of %d probes had no written time)", missing[0], probes.size());
        }
        return lag;
    }

    // ------------------------------------------------------------------------------------------
    // HTTP

    private void httpPhases(HttpSide client, LoadStream stream) {
        List<Map<String, Object>> steps = new ArrayList<>();
        results.put("http", steps);
        double seconds = Double.parseDouble(System.getProperty("bench.step-seconds", "10"));
        // Warm-up, not counted: until now only the Kafka path has run, and the HTTP path's code
        // would otherwise be interpreted and compiled during the first measured step.
        phase = "http-warmup";
        HttpSide.Result warmup = client.openLoop(1000, 5, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
        say("http warm-up (not counted): %d ok, %d errors, p99 %.2f ms", warmup.ok, warmup.errors, warmup.latencyMicros.getValueAtPercentile(99) / 1000.0);
        for (String r : System.getProperty("bench.http-rates", "1000,2000,4000").split(",")) {
            int rate = Integer.parseInt(r.trim());
            phase = "http-" + rate;
            long[] cpu0 = cpuTicks();
            HttpSide.Result result = client.openLoop(rate, seconds, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
            Map<String, Object> step = httpStep("open", rate, result);
            step.put("cpuMicrosPerEvent", cpuPerEvent(cpu0, cpuTicks(), result.ok));
            steps.add(step);
            say("http %d/s offered: %s", rate, step);
        }
        phase = "http-saturation";
        int inFlight = Integer.getInteger("bench.http-in-flight", 32);
        long[] cpu0 = cpuTicks();
        HttpSide.Result result = client.closedLoop(inFlight, seconds, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
        Map<String, Object> step = httpStep("closed(" + inFlight + " in flight)", 0, result);
        step.put("cpuMicrosPerEvent", cpuPerEvent(cpu0, cpuTicks(), result.ok));
        steps.add(step);
        say("http saturation: %s", step);
    }

    private Map<String, Object> httpStep(String mode, int rate, HttpSide.Result result) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("mode", mode);
        step.put("offeredPerSecond", rate);
        step.put("completedPerSecond", Math.round(result.perSecond()));
        step.put("ok", result.ok);
        step.put("errors", result.errors);
        if (result.firstError != null) {
            step.put("firstError", result.firstError.length() > 300 ? result.firstError.substring(0, 300) : result.firstError);
        }
        step.put("latencyMillis", percentiles(result.latencyMicros, 1000));
        // From when each request actually went out: the app's part without the generator's own
        // scheduling delays (latencyMillis, from when it was due, has both).
        step.put("serviceMillis", percentiles(result.serviceMicros, 1000));
        step.put("freshnessLagMillis", percentiles(result.freshnessLagMillis, 1));
        return step;
    }

    private void reads(HttpSide client, LoadStream stream) {
        phase = "reads";
        // Users that exist: the busiest ranks of the Zipf distribution have all had events by now.
        Random random = new Random(3);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            users.add(stream.user(stream.zipfRank()));
        }
        int rate = Integer.getInteger("bench.read-rate", 1000);
        double seconds = Double.parseDouble(System.getProperty("bench.step-seconds", "10"));
        // Warm-up, not counted, as for the events: the read path (its script's reply, the view's
        // JSON) has only served the probes so far, and the JIT compiles it in the first seconds.
        double warmUp = Double.parseDouble(System.getProperty("bench.read-warmup-seconds", "10"));
        if (warmUp > 0) {
            phase = "reads-warmup";
            HttpSide.Result warm = client.openLoop(rate, warmUp, i -> new HttpSide.Call(null, "/profiles/" + users.get(random.nextInt(users.size()))));
            say("read warm-up (not counted): %d ok, %d errors, p99 %.2f ms", warm.ok, warm.errors, warm.latencyMicros.getValueAtPercentile(99) / 1000.0);
            phase = "reads";
        }
        HttpSide.Result result = client.openLoop(rate, seconds, i -> new HttpSide.Call(null, "/profiles/" + users.get(random.nextInt(users.size()))));
        Map<String, Object> r = httpStep("open", rate, result);
        r.remove("freshnessLagMillis");
        results.put("reads", r);
        say("profile reads: %s", r);
    }

    // ------------------------------------------------------------------------------------------
    // A second drain under a JFR recording: where the time goes

    private void profiledDrain(KafkaSide kafka, LoadStream stream) throws Exception {
        if (!Boolean.parseBoolean(System.getProperty("bench.jfr", "true"))) {
            return;
        }
        phase = "kafka-profiled";
        Path jfr = out.resolve("kafka-drain.jfr").toAbsolutePath();
        Files.deleteIfExists(jfr);
        jcmd("JFR.start", "name=bench", "settings=profile", "filename=" + jfr);
        int count = Integer.getInteger("bench.profiled-backlog", 150_000);
        long base = kafkaOutcomes()[0];
        for (Event e : stream.batch(count, System.currentTimeMillis())) {
            kafka.send(e);
        }
        kafka.flush();
        Map<String, Object> drain = awaitCount(base, count, 240);
        jcmd("JFR.stop", "name=bench");
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("drain", drain);
        profile.put("jfr", asRecorded(jfr));
        profile.putAll(JfrSummary.summarize(jfr));
        results.put("kafkaProfiled", profile);
        say("profiled drain: %s", drain);
    }

    private String jcmdOutput(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(appPid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return output;
    }

    private void jcmd(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(appPid)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("jcmd failed: " + output);
        }
    }

    // ------------------------------------------------------------------------------------------
    // The sweep over a million profiles

    private void sweep() throws Exception {
        phase = "sweep";
        int profiles = Integer.getInteger("bench.sweep-profiles", 1_000_000);
        double staleShare = Double.parseDouble(System.getProperty("bench.sweep-stale-share", "0.01"));
        int shards = 16;
        ProfileScript cart = ProfileScript.update("cart", "cart-lib");
        redis.call("SCRIPT", "LOAD", cart.source());
        ScriptCalls calls = new ScriptCalls();
        long now = System.currentTimeMillis();
        long abandonAfter = Duration.ofMinutes(30).toMillis();
        long expireAfter = Duration.ofDays(90).toMillis();
        Random random = new Random(11);
        int staleEvery = (int) Math.round(1 / staleShare);
        // Per chunk of 1,000 users: the cart script for each, then the index updates
        // FreshnessIndex.recordApplied makes for a cart event, one ZADD GT per key with the
        // chunk's members (the same entries, fewer commands).
        int chunk = 1_000;
        Iterable<List<String>> commands = () -> new Iterator<>() {
            int user = 0;
            final java.util.ArrayDeque<List<String>> pending = new java.util.ArrayDeque<>();

            @Override
            public boolean hasNext() {
                return !pending.isEmpty() || user < profiles;
            }

            @Override
            public List<String> next() {
                if (pending.isEmpty()) {
                    Map<String, List<String>> zadds = new LinkedHashMap<>();
                    for (int n = 0; n < chunk && user < profiles; n++, user++) {
                        String id = "sweep-" + user;
                        // 1 in staleEvery carts was last touched 31-60 minutes ago (past abandon-after, 30 min).
                        boolean stale = user % staleEvery == 0;
                        long eventTime = stale ? now - Duration.ofMinutes(31).toMillis() - random.nextInt(29 * 60_000)
                                : now - random.nextInt(20 * 60_000);
                        try {
                            pending.add(calls.sample(Kind.CART, id, "sweep-dedup-" + id, eventTime, now));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        int shard = shard(id, shards);
                        zadd(zadds, FreshnessIndex.indexKey("cart", shard), eventTime, id);
                        zadd(zadds, FreshnessIndex.queueKey(FreshnessIndex.PROFILE_EXPIRE, shard), eventTime + expireAfter, id);
                        zadd(zadds, FreshnessIndex.queueKey(FreshnessIndex.CART_ABANDON, shard), eventTime + abandonAfter, id);
                    }
                    pending.addAll(zadds.values());
                }
                return pending.poll();
            }
        };
        long t0 = System.nanoTime();
        AtomicReference<String> firstError = new AtomicReference<>();
        long errors = redis.pipeline(commands, 2_000, firstError);
        double populateSeconds = (System.nanoTime() - t0) / 1e9;
        say("populated %d profiles (%.0f%% stale carts) in %.1f s, %d errors %s", profiles, staleShare * 100, populateSeconds, errors,
                firstError.get() == null ? "" : firstError.get());
        long due = 0;
        for (int shard = 0; shard < shards; shard++) {
            due += Long.parseLong(redis.call("ZCOUNT", FreshnessIndex.queueKey(FreshnessIndex.CART_ABANDON, shard), "-inf",
                    Long.toString(System.currentTimeMillis())));
        }
        HttpRequest tick = HttpRequest.newBuilder(URI.create(base() + "/")).timeout(Duration.ofMinutes(5))
                .header("ce-specversion", "1.0").header("ce-id", "bench-tick-" + UUID.randomUUID()).header("ce-source", "/bench/ping")
                .header("ce-type", "dev.knative.sources.ping").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        long sweepStart = System.nanoTime();
        HttpResponse<String> answer = http.send(tick, HttpResponse.BodyHandlers.ofString());
        double wall = (System.nanoTime() - sweepStart) / 1e6;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("profiles", profiles);
        r.put("staleShare", staleShare);
        r.put("populateSeconds", round(populateSeconds));
        r.put("populateErrors", errors);
        r.put("dueBeforeSweep", due);
        r.put("httpStatus", answer.statusCode());
        r.put("answer", answer.statusCode() == 200 ? JSON.readTree(answer.body()) : answer.body());
        r.put("wallMillis", Math.round(wall));
        r.put("redisUsedMemory", infoField(redis.call("INFO", "memory"), "used_memory_human"));
        results.put("sweep", r);
        say("sweep: %s", r);
    }

    private static void zadd(Map<String, List<String>> zadds, String key, long score, String member) {
        List<String> command = zadds.computeIfAbsent(key, k -> new ArrayList<>(List.of("ZADD", k, "GT")));
        command.add(Long.toString(score));
        command.add(member);
    }

    static int shard(String userId, int shards) {
        CRC32 crc = new CRC32();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    // ------------------------------------------------------------------------------------------
    // The app process

    @SuppressWarnings("unchecked")
    private long launchApp(String logName, String... extraProperties) throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            appPort = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launchOptions());
        // A JDK AOT cache (Java 25+, app.aot: bench/run.sh trains one) or an AppCDS archive
        // (app-cds.jsa, Java 17) built with the jar names the jar relative to its folder, so the
        // app runs from there. -Dbench.no-appcds=true measures without either.
        Path appDir = jar.toAbsolutePath().getParent();
        results.computeIfAbsent("machine", k -> new LinkedHashMap<String, Object>());
        if (!Boolean.getBoolean("bench.no-appcds")) {
            if (Files.exists(appDir.resolve("app.aot")) && Runtime.version().feature() >= 25) {
                command.add("-XX:AOTCache=app.aot");
                ((Map<String, Object>) results.get("machine")).put("aotCache", true);
            } else if (Files.exists(appDir.resolve("app-cds.jsa"))) {
                command.add("-XX:SharedArchiveFile=app-cds.jsa");
                ((Map<String, Object>) results.get("machine")).put("appCds", true);
            }
        }
        command.addAll(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + appPort,
                // One sweep, ours, at the end; its size as the Freshness issue states it (about 10,000 due entries).
                "-Dprofiles.sweeper.every=off", "-Dprofiles.sweeper.max-entries=20000", "-Dprofiles.sweeper.time-budget=PT120S",
                "-Dprofiles.sweeper.lease=PT180S"));
        command.addAll(List.of(extraProperties));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(appDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.resolve(logName).toFile());
        builder.environment().put("REDIS_URL", redisUri);
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
        builder.environment().putIfAbsent("PROFILE_HASH_KEY", "bench-hash-key-not-a-secret-0123456789");
        // glibc would give each of the app's many threads its own malloc arena (64 MB reserved
        // each, partly touched): resident memory the heap never sees.
        builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        long launched = System.currentTimeMillis();
        app = builder.start();
        appPid = app.pid();
        Files.writeString(out.resolve("app.pid"), Long.toString(appPid));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopApp));
        Thread sampler = new Thread(this::sampleRss, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        say("app launched: pid %d, port %d, %s", appPid, appPort, String.join(" ", appJvmOptions));
        return launched;
    }

    private void sampleRss() {
        Path status = Path.of("/proc", Long.toString(appPid), "status");
        while (app != null && app.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        maxRssKb.merge(phase, kb, Math::max);
                    } else if (line.startsWith("RssAnon:")) {
                        // The private part (heap, JIT, malloc, stacks); the rest is mapped files
                        // (libjvm, the CDS archives), shared and reclaimable.
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        maxRssAnonKb.merge(phase, kb, Math::max);
                    }
                }
                Thread.sleep(200);
            } catch (Exception e) {
                return;
            }
        }
    }

    private static Map<String, Object> byPhaseMb(Map<String, Long> maxKb) {
        Map<String, Object> r = new LinkedHashMap<>();
        maxKb.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> r.put(e.getKey(), e.getValue() / 1024));
        return r;
    }

    private synchronized void stopApp() {
        if (app != null && app.isAlive()) {
            app.destroy();
            try {
                if (!app.waitFor(40, TimeUnit.SECONDS)) {
                    app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                app.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private Double quarkusStartSeconds(String logName) throws IOException {
        for (String line : Files.readAllLines(out.resolve(logName))) {
            int i = line.indexOf("started in ");
            if (i >= 0) {
                return Double.parseDouble(line.substring(i + 11, line.indexOf('s', i + 11)));
            }
        }
        return null;
    }

    private JsonNode awaitProfile(String userId, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/profiles/" + userId)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return JSON.readTree(r.body());
            }
            Thread.sleep(10);
        }
        return null;
    }

    private String base() {
        return "http://127.0.0.1:" + appPort;
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    // ------------------------------------------------------------------------------------------
    // CPU per process, from /proc/<pid>/stat (utime + stime, in clock ticks of 10 ms)

    /** {app, redis, broker (LocalStack JVM), this load generator} */
    private long[] cpuTicks() {
        return new long[] { ticks(appPid), ticks(redisPid), ticks(stackPid), ticks(ProcessHandle.current().pid()) };
    }

    private static long ticks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The app's JVM options with {@code {out}} replaced by the output folder's absolute path: the app
     * runs from its jar's folder, and the results record the options as given (no machine paths).
     */
    private List<String> launchOptions() {
        String outDir = out.toAbsolutePath().toString();
        return appJvmOptions.stream().map(o -> o.replace("{out}", outDir)).toList();
    }

    /**
     * A path as the results record it: relative to the project root (the driver's working
     * directory), so no committed result names the folders of the machine that wrote it.
     */
    static String asRecorded(Path path) {
        Path root = Path.of("").toAbsolutePath();
        Path absolute = path.toAbsolutePath().normalize();
        return (absolute.startsWith(root) ? root.relativize(absolute) : absolute).toString();
    }

    /** Pauses from the app's -Xlog:gc file, if it wrote one: how often, how long, how much in all. */
    private Map<String, Object> gcSummary() throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        String option = launchOptions().stream().filter(o -> o.startsWith("-Xlog:gc:file=")).findFirst().orElse(null);
        if (option == null || !Files.exists(Path.of(option.substring("-Xlog:gc:file=".length())))) {
            return r;
        }
        for (String kind : new String[] { "Pause Young", "Pause Full" }) {
            Histogram pauses = new Histogram(3_600_000_000L, 3);
            double total = 0;
            for (String line : Files.readAllLines(Path.of(option.substring("-Xlog:gc:file=".length())))) {
                if (line.contains(kind) && line.endsWith("ms")) {
                    double ms = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1, line.length() - 2));
                    pauses.recordValue(Math.round(ms * 1000));
                    total += ms;
                }
            }
            Map<String, Object> p = percentiles(pauses, 1000);
            p.put("totalMillis", Math.round(total));
            r.put(kind.replace("Pause ", "").toLowerCase() + "PausesMillis", p);
        }
        return r;
    }

    private static final String[] CPU_NAMES = { "app", "redis", "kafkaBroker", "loadGenerator" };

    private static Map<String, Object> cpuShare(long[] a, long[] b) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < a.length; i++) {
            r.put(CPU_NAMES[i], round((b[i] - a[i]) / 100.0));
        }
        return r;
    }

    private static Map<String, Object> cpuPerEvent(long[] a, long[] b, long events) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < a.length; i++) {
            r.put(CPU_NAMES[i], events == 0 ? 0 : Math.round((b[i] - a[i]) * 10_000.0 / events));
        }
        return r;
    }

    // ------------------------------------------------------------------------------------------
    // Output

    static Map<String, Object> percentiles(Histogram h, double divisor) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return p;
        }
        p.put("p50", round(h.getValueAtPercentile(50) / divisor));
        p.put("p99", round(h.getValueAtPercentile(99) / divisor));
        p.put("p99.9", round(h.getValueAtPercentile(99.9) / divisor));
        p.put("max", round(h.getMaxValue() / divisor));
        return p;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static String infoField(String info, String field) {
        for (String part : info.split("\\s+")) {
            if (part.startsWith(field + ":")) {
                return part.substring(field.length() + 1);
            }
        }
        throw new IllegalStateException("no " + field + " in INFO");
    }

    private void writeResults() throws Exception {
        Report.write(out, results, summary);
    }

    private void say(String format, Object... args) {
        String line = String.format(format, args);
        summary.add(line);
        System.out.printf("[bench %s] %s%n", Instant.now().toString().substring(11, 19), line);
        System.out.flush();
    }
}
