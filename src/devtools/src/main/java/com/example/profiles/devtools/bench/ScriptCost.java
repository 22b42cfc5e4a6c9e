package com.example.profiles.devtools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * many turns), {@code -Dbench.script-cost.per-kind=false} (the mix only), {@code -Dbench.script-cost.window}
 * (calls in flight and written per flush, 64; 1 sends each alone) and
 * {@code -Dbench.script-cost.redis-config=name=value,...} (server settings, CONFIG SET before the runs)
 * and {@code -Dbench.script-cost.floor=false} (leave out the floor).
 *
 * <p>The floor ({@link CommandFloor}), on by default: the commands the current scripts sent for the
 * stream (and for each kind's events alone), recorded and sent again with no logic, one call per
 * event, as a variant beside "current"; {@code floorRatio} is the current scripts' time per event
 * over the floor's, per round and the median of the rounds'.
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

        long now = System.currentTimeMillis();
        Map<Kind, List<List<String>>> byKind = new EnumMap<>(Kind.class);
        List<List<String>> all = streamCalls(settings, events, now, byKind);

        // Variants: the scripts on the class path ("current"), any directories of .lua files named
        // in -Dbench.script-cost.compare (e.g. an older commit's, from git archive), and the command
        // floor derived from the current scripts ("floor", CommandFloor), run in turns, round after
        // round, so a machine whose load drifts weighs on each variant alike.
        Map<String, Variant> variants = new LinkedHashMap<>();
        List<String> currentScripts = ScriptCalls.scripts(Map.of());
        variants.put("current", new Variant(currentScripts, all, byKind));
        for (String dir : System.getProperty("bench.script-cost.compare", "").split(",")) {
            if (!dir.isBlank()) {
                Map<String, String> sources = ScriptCalls.scriptsFrom(Path.of(dir));
                Map<Kind, List<List<String>>> kinds = new EnumMap<>(Kind.class);
                byKind.forEach((kind, calls) -> kinds.put(kind, ScriptCalls.using(sources, calls)));
                variants.put(dir, new Variant(ScriptCalls.scripts(sources), ScriptCalls.using(sources, all), kinds));
            }
        }
        int rounds = Integer.getInteger("bench.script-cost.rounds", 1);
        boolean perKindToo = Boolean.parseBoolean(System.getProperty("bench.script-cost.per-kind", "true"));
        boolean floorToo = Boolean.parseBoolean(System.getProperty("bench.script-cost.floor", "true"));
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
            if (floorToo) {
                // The floor of the mix, and of each kind alone: alone, a kind's scripts find other
                // state (no carts beside the purchases, say) and may send other commands.
                Map<String, Object> recorded = new LinkedHashMap<>();
                CommandFloor.Recording mix = CommandFloor.record(redis, all);
                recorded.put("mix", mix.describe());
                say("the floor: the real scripts' commands recorded, %s", mix.describe());
                Map<Kind, List<List<String>>> kinds = new EnumMap<>(Kind.class);
                if (perKindToo) {
                    for (Map.Entry<Kind, List<List<String>>> kind : byKind.entrySet()) {
                        CommandFloor.Recording alone = CommandFloor.record(redis, kind.getValue());
                        kinds.put(kind.getKey(), alone.floorCalls());
                        recorded.put(kind.getKey().name().toLowerCase(Locale.ROOT), alone.describe());
                    }
                }
                results.put("floor", recorded);
                variants.put("floor", new Variant(List.of(CommandFloor.SOURCE), mix.floorCalls(), kinds));
            }
            Map<String, Object> byVariant = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, Variant> entry : variants.entrySet()) {
                    Variant variant = entry.getValue();
                    Map<String, Object> r = new LinkedHashMap<>();
                    Map<String, Object> mix = run(redis, variant.scripts(), variant.mix());
                    r.put("mix", mix);
                    say("round %d, %s, the mix: %s", round, entry.getKey(), mix);
                    if (perKindToo) {
                        Map<String, Object> perKind = new LinkedHashMap<>();
                        for (Map.Entry<Kind, List<List<String>>> kind : variant.byKind().entrySet()) {
                            Map<String, Object> alone = run(redis, variant.scripts(), kind.getValue());
                            perKind.put(kind.getKey().name().toLowerCase(Locale.ROOT), alone);
                            say("round %d, %s, %s alone: %s", round, entry.getKey(), kind.getKey(), alone);
                        }
                        r.put("perKindAlone", perKind);
                    }
                    byVariant.put(entry.getKey() + (rounds > 1 ? " #" + round : ""), r);
                }
            }
            results.put("variants", byVariant);
            if (floorToo) {
                Map<String, Object> ratios = floorRatios(byVariant, rounds);
                results.put("floorRatio", ratios);
                say("the real scripts' time per event over the floor's (EVALSHA µs; Redis CPU): %s", ratios);
            }
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

    /** A version of the scripts and the calls that run them: the mix, and each kind's events alone. */
    private record Variant(List<String> scripts, List<List<String>> mix, Map<Kind, List<List<String>>> byKind) {
    }

    /**
     * The benchmark's stream of {@code events} events (seed 42) as the update scripts' calls,
     * applied at {@code now}; each kind's calls also in {@code byKind} when given.
     */
    static List<List<String>> streamCalls(LoadStream.Settings settings, int events, long now, Map<Kind, List<List<String>>> byKind)
            throws Exception {
        ScriptCalls calls = new ScriptCalls();
        List<Event> stream = new LoadStream(settings, 42, "sc").batch(events, now);
        List<List<String>> all = new ArrayList<>(events);
        for (Event event : stream) {
            List<String> command = calls.command(event, now);
            all.add(command);
            if (byKind != null) {
                byKind.computeIfAbsent(event.kind(), k -> new ArrayList<>()).add(command);
            }
        }
        return all;
    }

    /**
     * The current scripts' time per event over the floor's, per round and the median of the
     * rounds', for the mix and each kind alone: from EVALSHA's µs in commandstats ({@code usec})
     * and from Redis's CPU ({@code cpu}).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> floorRatios(Map<String, Object> byVariant, int rounds) {
        Map<String, Object> r = new LinkedHashMap<>();
        List<String> scopes = new ArrayList<>(List.of("mix"));
        for (Kind kind : Kind.values()) {
            scopes.add(kind.name().toLowerCase(Locale.ROOT));
        }
        for (String scope : scopes) {
            double[] usec = new double[rounds];
            double[] cpu = new double[rounds];
            boolean found = true;
            for (int round = 1; round <= rounds && found; round++) {
                String suffix = rounds > 1 ? " #" + round : "";
                Map<String, Object> current = figures((Map<String, Object>) byVariant.get("current" + suffix), scope);
                Map<String, Object> floor = figures((Map<String, Object>) byVariant.get("floor" + suffix), scope);
                found = current != null && floor != null;
                if (found) {
                    usec[round - 1] = number(current, "scriptUsecPerEvent") / number(floor, "scriptUsecPerEvent");
                    cpu[round - 1] = number(current, "redisCpuUsecPerEvent") / number(floor, "redisCpuUsecPerEvent");
                }
            }
            if (found) {
                Map<String, Object> ratio = new LinkedHashMap<>();
                ratio.put("usec", Arrays.stream(usec).map(Report::round).boxed().toList());
                ratio.put("usecMedian", Report.round(CommandFloor.median(usec)));
                ratio.put("cpu", Arrays.stream(cpu).map(Report::round).boxed().toList());
                ratio.put("cpuMedian", Report.round(CommandFloor.median(cpu)));
                r.put(scope, ratio);
            }
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> figures(Map<String, Object> variant, String scope) {
        if (scope.equals("mix")) {
            return (Map<String, Object>) variant.get("mix");
        }
        Map<String, Object> perKind = (Map<String, Object>) variant.get("perKindAlone");
        return perKind == null ? null : (Map<String, Object>) perKind.get(scope);
    }

    private static double number(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    /** Sends the calls on an empty server and answers Redis's time per event, per command and in total. */
    static Map<String, Object> run(RedisSide redis, List<String> scripts, List<List<String>> commands) throws Exception {
        redis.call("FLUSHALL");
        for (String script : scripts) {
            redis.call("SCRIPT", "LOAD", script);
        }
        redis.call("CONFIG", "RESETSTAT");
        long memoryBefore = Long.parseLong(redis.info("memory", "used_memory"));
        long pid = Long.parseLong(redis.info("server", "process_id"));
        long cpuBefore = ProcessCpu.ticks(pid);
        AtomicReference<String> firstError = new AtomicReference<>();
        // How many calls are in flight (and written in one flush) at most: 64 by default; 1 sends
        // each call alone and waits for its reply, so Redis reads one command per read, as it does
        // when a client writes each command as it is issued.
        long errors = redis.pipeline(commands, Integer.getInteger("bench.script-cost.window", 64), firstError);
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
