package com.example.profiles.devtools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.example.profiles.cart.CartChanged;
import com.example.profiles.cart.CartFunction;
import com.example.profiles.core.CurrencyConverter;
import com.example.profiles.core.EventClock;
import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.ProfileKeys;
import com.example.profiles.core.ProfileLimits;
import com.example.profiles.core.ProfileScript;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.ProfileUpdate;
import com.example.profiles.core.StrictJson;
import com.example.profiles.customer.CustomerChangeFunction;
import com.example.profiles.customer.CustomerColumns;
import com.example.profiles.customer.CustomerSettings;
import com.example.profiles.customer.DebeziumChange;
import com.example.profiles.customer.KeyedHash;
import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.devtools.servers.RedisServerProcess;
import com.example.profiles.purchase.PurchaseCompleted;
import com.example.profiles.purchase.PurchaseFunction;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * What the update scripts cost Redis, without the app, Kafka or the network in the way: the
 * benchmark's stream ({@link LoadStream}, the drain's seed and settings) turned into script calls
 * by the functions' own code ({@code toUpdate}, the same arguments {@code ProfileUpdater} adds), sent
 * pipelined on one connection to a scratch {@code redis-server}, and Redis's own account of its time
 * ({@code INFO commandstats}): microseconds per event, in total and per command. Then each kind's
 * events alone (same order, an empty server each), which gives the time per script, and
 * {@code redis-benchmark} of the scripts as {@code BenchMain}'s limits phase runs it.
 *
 * <p>Not in it: the freshness-index updates and the reads the app sends besides the scripts (about
 * 3 µs per event in the recorded drain, see BENCHMARKS.md). Run with {@code bench/script-cost.sh}.
 *
 * <p>Options: {@code -Dbench.script-cost.events} (default 300,000, the drain's backlog), the
 * stream's {@code -Dbench.*} settings, {@code -Dbench.script-cost.benchmark=false} to leave out
 * {@code redis-benchmark}, {@code -Dbench.script-cost.out} (a JSON file of the figures).
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

        Calls calls = new Calls();
        long now = System.currentTimeMillis();
        List<Event> stream = new LoadStream(settings, 42, "sc").batch(events, now);
        Map<Kind, List<List<String>>> byKind = new EnumMap<>(Kind.class);
        List<List<String>> all = new ArrayList<>(events);
        for (Event event : stream) {
            List<String> command = calls.command(event, now);
            all.add(command);
            byKind.computeIfAbsent(event.kind(), k -> new ArrayList<>()).add(command);
        }

        try (RedisServerProcess server = RedisServerProcess.start()) {
            RedisSide redis = new RedisSide(server.uri());
            results.put("redisVersion", infoField(redis.call("INFO", "server"), "redis_version"));
            Map<String, Object> mix = run(redis, calls.scripts, all);
            results.put("mix", mix);
            say("the mix: %s", mix);
            Map<String, Object> perKind = new LinkedHashMap<>();
            for (Map.Entry<Kind, List<List<String>>> kind : byKind.entrySet()) {
                Map<String, Object> alone = run(redis, calls.scripts, kind.getValue());
                perKind.put(kind.getKey().name().toLowerCase(Locale.ROOT), alone);
                say("%s alone: %s", kind.getKey(), alone);
            }
            results.put("perKindAlone", perKind);
            if (Boolean.parseBoolean(System.getProperty("bench.script-cost.benchmark", "true"))) {
                redis.call("FLUSHALL");
                Map<String, Object> benchmark = BenchMain.pipelinedMix(redis, settings, 100_000);
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
    private static Map<String, Object> run(RedisSide redis, Set<ProfileScript> scripts, List<List<String>> commands) throws Exception {
        redis.call("FLUSHALL");
        for (ProfileScript script : scripts) {
            redis.call("SCRIPT", "LOAD", script.source());
        }
        redis.call("CONFIG", "RESETSTAT");
        AtomicReference<String> firstError = new AtomicReference<>();
        long errors = redis.pipeline(commands, 64, firstError);
        Map<String, Object> stats = BenchMain.commandStats(redis, commands.size());
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
        r.put("scriptUsecPerEvent", BenchMain.round(scriptsUsec));
        r.put("commandsInsideUsecPerEvent", BenchMain.round(commandsInside));
        r.put("luaAroundUsecPerEvent", BenchMain.round(scriptsUsec - commandsInside));
        r.put("commands", stats);
        return r;
    }

    private static String infoField(String info, String field) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        return "";
    }

    private static void say(String format, Object... args) {
        System.out.println("[script-cost] " + String.format(Locale.ROOT, format, args));
    }

    /**
     * The functions as the app builds them (their settings from the core's defaults), turning an
     * event into its {@code EVALSHA}: the call {@code ProfileUpdater} sends.
     */
    private static final class Calls {
        final Set<ProfileScript> scripts = new LinkedHashSet<>();
        private final ObjectMapper mapper;
        private final PurchaseFunction purchase;
        private final CartFunction cart;
        private final CustomerChangeFunction customer;
        private final ProfileLimits limits;
        private final String retention;
        private final String lateness;

        Calls() {
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .addDefaultSources()
                    .withDefaultValue("PROFILE_HASH_KEY", "script-cost-benchmark-key-not-a-secret")
                    .withMapping(ProfileSettings.class)
                    .withMapping(CustomerSettings.class)
                    .withValidateUnknown(false)
                    .build();
            ProfileSettings profile = config.getConfigMapping(ProfileSettings.class);
            CustomerSettings customerSettings = config.getConfigMapping(CustomerSettings.class);
            mapper = new ObjectMapper().findAndRegisterModules().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            new StrictJson().customize(mapper);
            CurrencyConverter currencies = new CurrencyConverter(profile);
            EventClock clock = new EventClock(profile);
            purchase = new PurchaseFunction(currencies, clock, profile);
            cart = new CartFunction(currencies, clock);
            customer = new CustomerChangeFunction(customerSettings, clock, new KeyedHash(customerSettings), mapper, null, profile,
                    new CustomerColumns(customerSettings), new SimpleMeterRegistry());
            limits = new ProfileLimits(profile, currencies);
            retention = Long.toString(profile.dedupRetention().toMillis());
            lateness = Long.toString(profile.lateness().toMillis());
        }

        List<String> command(Event event, long now) throws Exception {
            ProfileUpdate update;
            EventMeta meta;
            switch (event.kind()) {
                case PURCHASE -> {
                    meta = new EventMeta(event.id(), event.source(), event.ceType(), null);
                    update = purchase.toUpdate(mapper.readValue(event.data(), PurchaseCompleted.class), meta);
                }
                case CART -> {
                    meta = new EventMeta(event.id(), event.source(), event.ceType(), null);
                    update = cart.toUpdate(mapper.readValue(event.data(), CartChanged.class), meta);
                }
                default -> {
                    Decoded<DebeziumChange> decoded = customer.fromJson(mapper.readTree(event.data()),
                            new EventMeta("shop.public.customers-0-0", "kafka:shop.public.customers", event.ceType(), null));
                    meta = decoded.meta();
                    update = customer.toUpdate(decoded.data(), meta);
                }
            }
            scripts.add(update.script());
            List<String> command = new ArrayList<>(20 + update.args().size());
            command.add("EVALSHA");
            command.add(update.script().sha());
            List<String> keys = ProfileKeys.all(update.userId());
            command.add(Integer.toString(keys.size()));
            command.addAll(keys);
            command.add(meta.dedupKey());
            command.add(Long.toString(now));
            command.add(retention);
            command.add(Long.toString(update.eventTimeMillis()));
            command.add(lateness);
            command.addAll(limits.scriptArgs());
            command.addAll(update.args());
            return command;
        }
    }
}
