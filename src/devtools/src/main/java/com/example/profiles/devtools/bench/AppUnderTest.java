package com.example.profiles.devtools.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import com.example.profiles.devtools.servers.PackagedApp;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The app under test: the packaged Knative application started from its jar ({@link PackagedApp})
 * with the benchmark's JVM options, against the stack's Redis and Kafka, with one sweep (the
 * benchmark's own, at the end). While it runs, its resident memory is sampled and filed under the
 * phase running; its counters and profiles are read over HTTP, and jcmd reaches it by its pid.
 */
final class AppUnderTest {

    private static final String GC_LOG = "-Xlog:gc:file=";

    private final BenchRecord record;
    private final Path jar;
    private final List<String> jvmOptions;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final ProcessCpu cpu;
    /** Whether launches use the start-up cache beside the jar (the reference start does not). */
    private final boolean startUpCache;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Long> maxRssKb = new ConcurrentHashMap<>();
    private final Map<String, Long> maxRssAnonKb = new ConcurrentHashMap<>();
    private PackagedApp app;
    /** The last launch's pid, also once it stopped (its CPU readings). */
    private long pid;

    AppUnderTest(BenchRecord record, Path jar, List<String> jvmOptions, String redisUri, String kafkaBootstrap, ProcessCpu cpu) {
        this(record, jar, jvmOptions, cpu, true);
        environment.put("REDIS_URL", redisUri);
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
        putIfUnset("PROFILE_HASH_KEY", "bench-hash-key-not-a-secret-0123456789");
        // glibc would give each of the app's many threads its own malloc arena (64 MB reserved
        // each, partly touched): resident memory the heap never sees.
        putIfUnset("MALLOC_ARENA_MAX", "2");
    }

    private AppUnderTest(BenchRecord record, Path jar, List<String> jvmOptions, ProcessCpu cpu, boolean startUpCache) {
        this.record = record;
        this.jar = jar.toAbsolutePath();
        this.jvmOptions = List.copyOf(jvmOptions);
        this.cpu = cpu;
        this.startUpCache = startUpCache;
    }

    /**
     * Another build of the app ({@code jar}), launched as this one is (environment, JVM options)
     * but never with a start-up cache: the reference the start-up is judged against.
     */
    AppUnderTest withoutCache(Path otherJar) {
        AppUnderTest reference = new AppUnderTest(record, otherJar, jvmOptions, cpu, false);
        reference.environment.putAll(environment);
        return reference;
    }

    private void putIfUnset(String name, String value) {
        if (System.getenv(name) == null) {
            environment.put(name, value);
        }
    }

    /** The JVM options as given: what the results record (no machine paths). */
    List<String> jvmOptions() {
        return jvmOptions;
    }

    /**
     * Launches the app, its output in {@code logName} in the output folder; answers the launch time
     * (epoch ms). {@code extraProperties} are added to its JVM options.
     */
    long launch(String logName, String... extraProperties) {
        List<String> options = new ArrayList<>(launchOptions());
        options.addAll(startUpCache());
        // One sweep, ours, at the end, over about 10,000 due entries (1% of a million profiles).
        options.addAll(List.of("-Dprofiles.sweeper.every=off", "-Dprofiles.sweeper.max-entries=20000",
                "-Dprofiles.sweeper.time-budget=PT120S", "-Dprofiles.sweeper.lease=PT180S"));
        options.addAll(List.of(extraProperties));
        PackagedApp launched = PackagedApp.start("app", jar, record.out.resolve(logName), environment, options);
        synchronized (this) {
            app = launched;
            pid = launched.pid();
        }
        try {
            // bench/run.sh stops this pid if the driver dies before it could.
            Files.writeString(record.out.resolve("app.pid"), Long.toString(pid));
        } catch (IOException e) {
            throw new IllegalStateException("could not write app.pid", e);
        }
        record.series.launch();
        Thread sampler = new Thread(() -> sampleRss(launched), "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        record.say("app launched: pid %d, port %d, %s%s%s", pid, launched.port(), String.join(" ", jvmOptions),
                extraProperties.length == 0 ? "" : ", then ", String.join(" ", extraProperties));
        return launched.launchedAtMillis();
    }

    /**
     * A second process of the same app beside the one under test, as an operator starts a one-off
     * job next to the running instances (e.g. the rebuild): the same environment, Redis, Kafka and
     * JVM options, its output in {@code logName} and its GC log (if the options write one) in
     * {@code <name>-gc.log}, so the app's own is left alone. Not sampled, not the app under test:
     * the caller stops it (or it stops by itself).
     */
    PackagedApp startBeside(String name, String logName, String... extraProperties) {
        String gcLog = GC_LOG + record.out.toAbsolutePath().resolve(name + "-gc.log");
        List<String> options = new ArrayList<>(launchOptions().stream().map(o -> o.startsWith(GC_LOG) ? gcLog : o).toList());
        options.addAll(startUpCache());
        options.addAll(List.of(extraProperties));
        PackagedApp started = PackagedApp.start(name, jar, record.out.resolve(logName), environment, options);
        record.say("%s launched beside the app: pid %d, %s", name, started.pid(), String.join(" ", extraProperties));
        return started;
    }

    /**
     * A JDK AOT cache (Java 25+, app.aot: bench/run.sh trains one) or an AppCDS archive
     * (app-cds.jsa, Java 17) built with the jar names the jar relative to its folder, which
     * PackagedApp runs it from. -Dbench.no-appcds=true measures without either.
     */
    private List<String> startUpCache() {
        Path appDir = jar.getParent();
        if (startUpCache && !Boolean.getBoolean("bench.no-appcds")) {
            if (Files.exists(appDir.resolve("app.aot")) && Runtime.version().feature() >= 25) {
                record.machine().put("aotCache", true);
                return List.of("-XX:AOTCache=app.aot");
            } else if (Files.exists(appDir.resolve("app-cds.jsa"))) {
                record.machine().put("appCds", true);
                return List.of("-XX:SharedArchiveFile=app-cds.jsa");
            }
        }
        return List.of();
    }

    /** SIGTERM, and SIGKILL if it has not stopped after a minute. */
    synchronized void stop() {
        if (app != null) {
            app.close();
        }
    }

    synchronized long pid() {
        return pid;
    }

    synchronized int port() {
        return app.port();
    }

    /** {app, redis, broker, this load generator} CPU ticks now. */
    long[] cpuTicks() {
        return cpu.perProcess(pid());
    }

    /** The app's own CPU ticks (all its threads), 0 once it is gone. */
    long ownCpuTicks() {
        return ProcessCpu.ticks(pid());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build()).body();
    }

    /** The user's profile once it exists (asked every 10 ms), or null after the timeout. */
    JsonNode awaitProfile(String userId, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/profiles/" + userId)).build());
            if (r.statusCode() == 200) {
                return Report.JSON.readTree(r.body());
            }
            Thread.sleep(10);
        }
        return null;
    }

    /** {total Kafka outcomes, applied} from the app's Prometheus counters. */
    long[] kafkaOutcomes() throws Exception {
        long total = 0;
        long applied = 0;
        for (String line : get("/q/metrics").split("\n")) {
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

    /** The start-up time Quarkus logged ("started in N s") for the current launch, null if not (yet) logged. */
    synchronized Double quarkusStartSeconds() throws IOException {
        for (String line : Files.readAllLines(app.log())) {
            int i = line.indexOf("started in ");
            if (i >= 0) {
                return Double.parseDouble(line.substring(i + 11, line.indexOf('s', i + 11)));
            }
        }
        return null;
    }

    /** {@code jcmd PID args}; fails if jcmd does. */
    void jcmd(String... args) throws Exception {
        String[] output = new String[1];
        if (jcmd(output, args) != 0) {
            throw new IllegalStateException("jcmd failed: " + output[0]);
        }
    }

    /** What {@code jcmd PID args} printed, whether it succeeded or not. */
    String jcmdOutput(String... args) throws Exception {
        String[] output = new String[1];
        jcmd(output, args);
        return output[0];
    }

    private int jcmd(String[] output, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        output[0] = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor();
    }

    boolean tracksNativeMemory() {
        return jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking"));
    }

    /** The highest resident memory by phase, in MB (all of it, or only its private part: {@code anon}). */
    Map<String, Object> maxRssMbByPhase(boolean anon) {
        Map<String, Object> r = new LinkedHashMap<>();
        (anon ? maxRssAnonKb : maxRssKb).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> r.put(e.getKey(), e.getValue() / 1024));
        return r;
    }

    /** Pauses from the app's -Xlog:gc file, if it wrote one: how often, how long, how much in all. */
    Map<String, Object> gcSummary() throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        String option = launchOptions().stream().filter(o -> o.startsWith(GC_LOG)).findFirst().orElse(null);
        if (option == null || !Files.exists(Path.of(option.substring(GC_LOG.length())))) {
            return r;
        }
        List<String> lines = Files.readAllLines(Path.of(option.substring(GC_LOG.length())));
        for (String kind : new String[] { "Pause Young", "Pause Full" }) {
            Histogram pauses = new Histogram(3_600_000_000L, 3);
            double total = 0;
            for (String line : lines) {
                if (line.contains(kind) && line.endsWith("ms")) {
                    double ms = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1, line.length() - 2));
                    pauses.recordValue(Math.round(ms * 1000));
                    total += ms;
                }
            }
            Map<String, Object> p = Report.percentiles(pauses, 1000);
            p.put("totalMillis", Math.round(total));
            r.put(kind.replace("Pause ", "").toLowerCase() + "PausesMillis", p);
        }
        return r;
    }

    /**
     * The JVM options with {@code {out}} replaced by the output folder's absolute path: the app runs
     * from its jar's folder, and the results record the options as given (no machine paths).
     */
    private List<String> launchOptions() {
        String outDir = record.out.toAbsolutePath().toString();
        return jvmOptions.stream().map(o -> o.replace("{out}", outDir)).toList();
    }

    /** VmRSS and RssAnon every 200 ms while this launch runs: the highest of each by phase, and the highest of each second for the chart. */
    private void sampleRss(PackagedApp launched) {
        Path status = Path.of("/proc", Long.toString(launched.pid()), "status");
        while (launched.isAlive()) {
            try {
                long rssKb = 0;
                long anonKb = 0;
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        maxRssKb.merge(record.phase(), rssKb, Math::max);
                    } else if (line.startsWith("RssAnon:")) {
                        // The private part (heap, JIT, malloc, stacks); the rest is mapped files
                        // (libjvm, the CDS archives), shared and reclaimable.
                        anonKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        maxRssAnonKb.merge(record.phase(), anonKb, Math::max);
                    }
                }
                record.series.rss(rssKb, anonKb);
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (Exception e) {
                return;
            }
        }
    }
}
