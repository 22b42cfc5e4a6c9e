package com.example.profiles.devtools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What the update scripts cost Redis, without the app, Kafka or the network in the way: the
 * benchmark's stream ({@link LoadStream}, the drain's seed and settings) turned into script calls
 * by the functions' own code ({@code toUpdate}, the same arguments {@code ProfileUpdater} adds), sent
 * pipelined on one connection to a scratch {@code redis-server}, and Redis's own account of its time
 * ({@code INFO commandstats}): microseconds per event, in total and per command. Then each kind's
 * events alone (same order, an empty server each), which gives the time per script, and
 * {@code redis-benchmark} of the scripts as the benchmark's limits phase runs it ({@link MachineLimits}).
 *
 * <p>Not in it: the freshness-index updates and the reads the app sends besides the scripts (about
 * 3 µs per event in the recorded drain, see BENCHMARKS.md). Run with {@code bench/script-cost.sh}.
 *
 * <p>Options: {@code -Dbench.script-cost.events} (default 300,000, the drain's backlog), the
 * stream's {@code -Dbench.*} settings, {@code -Dbench.script-cost.benchmark=false} to leave out
 * {@code redis-benchmark}, {@code -Dbench.script-cost.out} (a JSON file of the figures),
 * {@code -Dbench.script-cost.compare=dir,...} (other versions' script folders, measured in turns
 * with the class path's, the same calls with their SHAs), {@code -Dbench.script-cost.rounds} (how
 * many turns), {@code -Dbench.script-cost.per-kind=false} (the mix only) and
 * {@code -Dbench.script-cost.redis-config=name=value,...} (server settings, CONFIG SET before the runs).
 *
 * <p>Besides commandstats' wall-clock times it reports Redis's CPU per event from {@code /proc}:
 * on a machine whose other processes take the cores, the wall-clock times grow and the CPU far less.
 */
public final class ScriptCost {

    private ScriptCost() {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.script-cost.events", 300_000);
        LoadStream.Settings settings = LoadStream.Settings.fromSystemProperties();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("loadAverageAtStart", Files.readString(Path.of("/proc/loadavg")).trim());
        results.put("events", events);
        say("load average %s; %d events of the benchmark's stream", results.get("loadAverageAtStart"), events);

        ScriptCalls calls = new ScriptCalls();
        long now = System.currentTimeMillis();
        List<Event> stream = new LoadStream(settings, 42, "sc").batch(events, now);
        Map<Kind, List<List<String>>> byKind = new EnumMap<>(Kind.class);
        List<List<String>> all = new ArrayList<>(events);
        for (Event event : stream) {
            List<String> command = calls.command(event, now);
            all.add(command);
            byKind.computeIfAbsent(event.kind(), k -> new ArrayList<>()).add(command);
        }

        // Variants: the scripts on the class path ("current"), and any directories of .lua files
        // named in -Dbench.script-cost.compare (e.g. an older commit's, from git archive), run in
        // turns, round after round, so a machine whose load drifts weighs on each variant alike.
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        variants.put("current", Map.of());
        for (String dir : System.getProperty("bench.script-cost.compare", "").split(",")) {
            if (!dir.isBlank()) {
                variants.put(dir, ScriptCalls.scriptsFrom(Path.of(dir)));
            }
        }
        int rounds = Integer.getInteger("bench.script-cost.rounds", 1);
        boolean perKindToo = Boolean.parseBoolean(System.getProperty("bench.script-cost.per-kind", "true"));
        try (RedisServerProcess server = RedisServerProcess.start()) {
            RedisSide redis = new RedisSide(server.uri());
            results.put("redisVersion", redis.info("server", "redis_version"));
            // Server settings to try (CONFIG SET name=value, separated by ','), e.g. an encoding
            // threshold, to see what a data-model change would win before making it.
            String config = System.getProperty("bench.script-cost.redis-config", "");
            for (String setting : config.split(",")) {
                if (!setting.isBlank()) {
                    String[] nameValue = setting.trim().split("=", 2);
                    if (nameValue.length != 2) {
                        throw new IllegalArgumentException("-Dbench.script-cost.redis-config takes name=value pairs separated by ',', not: " + setting);
                    }
                    redis.call("CONFIG", "SET", nameValue[0], nameValue[1]);
                }
            }
            results.put("redisConfig", config);
            Map<String, Object> byVariant = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, Map<String, String>> variant : variants.entrySet()) {
                    Map<String, String> sources = variant.getValue();
                    Map<String, Object> r = new LinkedHashMap<>();
                    Map<String, Object> mix = run(redis, ScriptCalls.scripts(sources), ScriptCalls.using(sources, all));
                    r.put("mix", mix);
                    say("round %d, %s, the mix: %s", round, variant.getKey(), mix);
                    if (perKindToo) {
                        Map<String, Object> perKind = new LinkedHashMap<>();
                        for (Map.Entry<Kind, List<List<String>>> kind : byKind.entrySet()) {
                            Map<String, Object> alone = run(redis, ScriptCalls.scripts(sources), ScriptCalls.using(sources, kind.getValue()));
                            perKind.put(kind.getKey().name().toLowerCase(Locale.ROOT), alone);
                            say("round %d, %s, %s alone: %s", round, variant.getKey(), kind.getKey(), alone);
                        }
                        r.put("perKindAlone", perKind);
                    }
                    byVariant.put(variant.getKey() + (rounds > 1 ? " #" + round : ""), r);
                }
            }
            results.put("variants", byVariant);
            if (Boolean.parseBoolean(System.getProperty("bench.script-cost.benchmark", "true"))) {
                redis.call("FLUSHALL");
                Map<String, Object> benchmark = MachineLimits.pipelinedMix(redis, settings, 100_000);
                results.put("redisBenchmarkPipelined16", benchmark);
                say("redis-benchmark, 50 clients, pipelined 16: %s", benchmark);
            }
        }
        String out = System.getProperty("bench.script-cost.out");
        if (out != null) {
            Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
            Files.writeString(Path.of(out), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
            say("written to %s", out);
        }
        System.exit(0); // RedisServerProcess's watchdog threads, if any
    }

    /** Sends the calls on an empty server and answers Redis's time per event, per command and in total. */
    private static Map<String, Object> run(RedisSide redis, List<String> scripts, List<List<String>> commands) throws Exception {
        redis.call("FLUSHALL");
        for (String script : scripts) {
            redis.call("SCRIPT", "LOAD", script);
        }
        redis.call("CONFIG", "RESETSTAT");
        long memoryBefore = Long.parseLong(redis.info("memory", "used_memory"));
        long pid = Long.parseLong(redis.info("server", "process_id"));
        long cpuBefore = ProcessCpu.ticks(pid);
        AtomicReference<String> firstError = new AtomicReference<>();
        long errors = redis.pipeline(commands, 64, firstError);
        long cpuTicks = ProcessCpu.ticks(pid) - cpuBefore;
        long memoryAfter = Long.parseLong(redis.info("memory", "used_memory"));
        long keys = Long.parseLong(redis.call("DBSIZE").replaceAll("\\D", ""));
        Map<String, Object> stats = redis.commandStats(commands.size());
        stats.keySet().removeIf(name -> name.equals("script") || name.equals("config") || name.equals("flushall"));
        double scriptsUsec = 0;
        double commandsInside = 0;
        for (Map.Entry<String, Object> entry : stats.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) entry.getValue();
            if (entry.getKey().equals("evalsha") || entry.getKey().equals("fcall")) {
                scriptsUsec += ((Number) m.get("usecPerEvent")).doubleValue();
            } else {
                commandsInside += ((Number) m.get("usecPerEvent")).doubleValue();
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events", commands.size());
        r.put("errors", errors);
        if (firstError.get() != null) {
            r.put("firstError", firstError.get());
        }
        // Redis's CPU (user + system, from /proc; 10 ms ticks) per event: unlike commandstats'
        // wall-clock times, not inflated when other processes take the core from Redis.
        r.put("redisCpuUsecPerEvent", Report.round(cpuTicks * 10_000.0 / commands.size()));
        r.put("scriptUsecPerEvent", Report.round(scriptsUsec));
        r.put("commandsInsideUsecPerEvent", Report.round(commandsInside));
        r.put("luaAroundUsecPerEvent", Report.round(scriptsUsec - commandsInside));
        // What the stream left in Redis per shopper it touched (each call's first key is the
        // shopper's profile): for sizing a Redis's memory by the number of shoppers.
        long users = commands.stream().map(command -> command.get(3)).distinct().count();
        r.put("usersTouched", users);
        r.put("keysPerUser", Report.round((double) keys / users));
        r.put("redisMemoryBytesPerUser", Math.round((double) (memoryAfter - memoryBefore) / users));
        r.put("commands", stats);
        return r;
    }

    private static void say(String format, Object... args) {
        System.out.println("[script-cost] " + String.format(Locale.ROOT, format, args));
    }

}
