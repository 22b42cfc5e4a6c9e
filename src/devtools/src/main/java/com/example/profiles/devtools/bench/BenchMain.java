package com.example.profiles.devtools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmark driver (see BENCHMARKS.md; started by bench/run.sh once Redis and Kafka run).
 * In one run: the machine's limits ({@link MachineLimits}, and the update scripts against their
 * command floor, {@link CommandFloor}), then the app under test
 * ({@link AppUnderTest}) through the scenarios: start-up ({@link StartUpScenarios}), the Kafka path
 * at saturation and at fixed offered rates ({@link KafkaScenarios}), the HTTP path and profile reads
 * ({@link HttpScenarios}), a sweep over a million profiles ({@link SweepScenario}), and a rebuild
 * of the profiles beside the live path ({@link RebuildScenario}), with resident memory and CPU per
 * process throughout. Writes results.json, summary.txt,
 * lag-vs-load.png, and series.json with the SVG charts drawn from it, to the output folder ({@link Report}).
 *
 * <p>Arguments: {@code --env} (the stack's environment file), {@code --out}, {@code --jar},
 * {@code --stack-pid} (the broker's JVM, for its CPU), {@code --app-jvm} (the app's JVM options) and
 * {@code --reference-jar} (the same code as a plain fast-jar, the start-up's reference; optional).
 */
public final class BenchMain {

    private final BenchRecord record;
    private final Map<String, String> env;
    private final long stackPid;
    private final Path jar;
    /** The same code packaged as a plain fast-jar, started without a cache: the start-up target's reference (null: none). */
    private Path referenceJar;
    private final List<String> appJvmOptions;
    private final LoadStream.Settings streamSettings = LoadStream.Settings.fromSystemProperties();
    private final RedisSide redis;
    private AppUnderTest app;

    private BenchMain(Map<String, String> env, Path out, Path jar, List<String> appJvmOptions, long stackPid) {
        this.record = new BenchRecord(out);
        this.env = env;
        this.jar = jar;
        this.appJvmOptions = appJvmOptions;
        this.stackPid = stackPid;
        this.redis = new RedisSide(env.get("REDIS_URL"));
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
        if (options.containsKey("reference-jar")) {
            bench.referenceJar = Path.of(options.get("reference-jar"));
        }
        try {
            bench.run();
        } finally {
            if (bench.app != null) {
                bench.app.stop();
            }
        }
    }

    /**
     * The phases to run, from {@code -Dbench.phases} (default: all). The start-up and the drain of
     * the backlog always run (they start the app); leaving the others out makes a quick comparison
     * of two builds or JVM settings, e.g. {@code -Dbench.phases=kafka-lag}.
     */
    static boolean phase(String name) {
        String phases = System.getProperty("bench.phases", "all");
        return phases.equals("all") || List.of(phases.split(",")).contains(name);
    }

    /**
     * -Dbench.app-consumers=false runs the app as a Knative Service does, its own Kafka consumers
     * off: the load phases then measure the HTTP path alone (no drain, no Kafka steps), which is
     * what the deployed functions' memory is sized for.
     */
    static boolean appConsumers() {
        return Boolean.parseBoolean(System.getProperty("bench.app-consumers", "true"));
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

    private void run() throws Exception {
        long started = System.nanoTime();
        machine();
        ProcessCpu cpu = new ProcessCpu(Long.parseLong(redis.info("server", "process_id")), stackPid);
        app = new AppUnderTest(record, jar, appJvmOptions, env.get("REDIS_URL"), env.get("KAFKA_BOOTSTRAP_SERVERS"), cpu);
        MachineLimits machineLimits = new MachineLimits(record, redis, streamSettings);
        Map<String, Object> limits = new LinkedHashMap<>();
        record.put("limits", limits);
        if (phase("limits")) {
            limits.put("redis", machineLimits.redis());
            limits.put("scriptFloor", scriptFloor());
        }
        String run = UUID.randomUUID().toString().substring(0, 6);
        LoadStream stream = new LoadStream(streamSettings, 42, run);
        Map<String, Object> streamDescription = new LinkedHashMap<>();
        streamDescription.put("settings", streamSettings);
        streamDescription.put("busiestUserShare", stream.busiestUserShare());
        record.put("stream", streamDescription);
        StartUpScenarios startUp = new StartUpScenarios(record, app, streamSettings);
        try (KafkaSide kafka = new KafkaSide(env.get("KAFKA_BOOTSTRAP_SERVERS"))) {
            if (phase("limits")) {
                limits.put("kafka", machineLimits.kafka(kafka, stream));
            }
            redis.call("FLUSHALL");
            if (phase("cold-start")) {
                startUp.coldStart(kafka, stream);
                if (referenceJar != null && Files.exists(referenceJar)) {
                    Map<String, Object> reference = startUp.startReference(app.withoutCache(referenceJar), Integer.getInteger("bench.start-rounds", 3));
                    reference.put("referenceJar", asRecorded(referenceJar));
                    record.put("startReference", reference);
                }
            }
            // The later phases need the app the drain starts; -Dbench.phases=cold-start alone
            // measures only the start-ups (under a minute).
            if (phase("drain") || phase("limits") || phase("kafka-lag") || phase("http") || phase("reads") || phase("profile")
                    || phase("sweep") || phase("rebuild")) {
                loadPhases(kafka, stream, machineLimits, limits, startUp);
            }
        }
        if (phase("sweep")) {
            new SweepScenario(record, app, redis).run();
        }
        // Last: a rebuild moves every profile to a new generation, which the sweep's population
        // (written to the first generation's keys) and every earlier figure must not see; and
        // nothing after it is disturbed by the second process or the old generation it leaves.
        Exception rebuildFailed = null;
        if (phase("rebuild") && appConsumers()) {
            try (KafkaSide kafka = new KafkaSide(env.get("KAFKA_BOOTSTRAP_SERVERS"))) {
                new RebuildScenario(record, app, redis, new KafkaScenarios(record, app, redis, startUp), env.get("KAFKA_BOOTSTRAP_SERVERS"))
                        .run(kafka, stream);
            } catch (Exception e) {
                // Loudly, but after the results of the whole run are written.
                rebuildFailed = e;
                record.put("rebuildFailed", String.valueOf(e.getMessage()));
                record.say("REBUILD PHASE FAILED: %s", e);
            }
        } else if (phase("rebuild")) {
            record.say("rebuild: left out, it needs the app's own Kafka consumers (the live path over Kafka)");
        }
        record.put("maxRssMbByPhase", app.maxRssMbByPhase(false));
        record.put("maxRssAnonMbByPhase", app.maxRssMbByPhase(true));
        record.put("benchSeconds", Math.round((System.nanoTime() - started) / 1e9));
        app.stop();
        record.put("gc", app.gcSummary());
        record.write();
        if (rebuildFailed != null) {
            throw rebuildFailed;
        }
    }

    /**
     * The real scripts against their command floor ({@link CommandFloor}), in turns on the bench's
     * Redis, which is emptied afterwards: the reference for Redis's time per event.
     * {@code -Dbench.script-floor.events} (100,000) and {@code -Dbench.script-floor.rounds} (3). A
     * failure is recorded and the run goes on: the floor is a reference, not a phase others need.
     */
    private Map<String, Object> scriptFloor() {
        int events = Integer.getInteger("bench.script-floor.events", 100_000);
        int rounds = Integer.getInteger("bench.script-floor.rounds", 3);
        long started = System.nanoTime();
        Map<String, Object> floor;
        try {
            floor = CommandFloor.measure(redis, streamSettings, events, rounds);
            floor.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
            record.say("the scripts against their command floor (%d events, %d rounds, EVALSHA µs per event): scripts %s, floor %s, ratio %s (rounds: %s)",
                    events, rounds, floor.get("scriptsUsecPerEvent"), floor.get("floorUsecPerEvent"), floor.get("ratio"), floor.get("rounds"));
        } catch (Exception e) {
            floor = new LinkedHashMap<>(Map.of("failed", String.valueOf(e.getMessage())));
            record.say("THE COMMAND FLOOR FAILED: %s", e);
        }
        return floor;
    }

    /** The drain (which starts the app for what follows), the limits after it, lag, HTTP, reads, the profiled drain. */
    private void loadPhases(KafkaSide kafka, LoadStream stream, MachineLimits machineLimits, Map<String, Object> limits,
            StartUpScenarios startUp) throws Exception {
        KafkaScenarios kafkaPath = new KafkaScenarios(record, app, redis, startUp);
        kafkaPath.startAndDrain(kafka, stream);
        // The machine is shared: measure Redis's limit again right after the drain, so the
        // ratio can be taken against what the machine gave at that time too.
        if (phase("limits")) {
            limits.put("redisAfterDrain", machineLimits.redisAfterDrain());
        }
        if (phase("kafka-lag") && appConsumers()) {
            kafkaPath.lagSteps(kafka, stream);
        }
        HttpScenarios httpPath = new HttpScenarios(record, app, redis);
        try (HttpSide client = new HttpSide(app.port(), 64)) {
            if (phase("http")) {
                httpPath.events(client, stream);
            }
            if (phase("reads")) {
                httpPath.reads(client, stream);
            }
        }
        if (app.tracksNativeMemory()) {
            Files.writeString(record.out.resolve("nmt.txt"), app.jcmdOutput("VM.native_memory", "summary"));
        }
        if (phase("profile") && appConsumers()) {
            kafkaPath.profiledDrain(kafka, stream);
        }
    }

    private void machine() throws Exception {
        Map<String, Object> m = record.machine();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("memTotal", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
        m.put("cpuModel", Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        m.put("appJvmOptions", appJvmOptions);
        // Read by Report: which app the load phases measured.
        m.put("appConsumers", appConsumers());
        record.say("machine: %s", m);
    }
}
