package com.example.profiles.devtools.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.profiles.devtools.bench.LoadStream.Event;
import com.example.profiles.devtools.bench.LoadStream.Kind;
import com.example.profiles.store.ProfileScript;

/**
 * The machine's limits, measured without the app: {@code redis-benchmark} of the functions' own
 * update scripts (each alone, and the stream's mix of them: the time per event is the
 * share-weighted time per script) and the broker's raw produce and consume rate. The report judges
 * the app's rates against these.
 */
final class MachineLimits {

    private final BenchRecord record;
    private final RedisSide redis;
    private final LoadStream.Settings settings;

    MachineLimits(BenchRecord record, RedisSide redis, LoadStream.Settings settings) {
        this.record = record;
        this.redis = redis;
        this.settings = settings;
    }

    /** Each script pipelined (16 deep) and not, 50 clients; the stream's mix of both. */
    Map<String, Object> redis() throws Exception {
        record.phase("limits");
        Map<String, Object> r = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (Map.Entry<Kind, List<String>> entry : benchCommands(now).entrySet()) {
            ProfileScript script = ScriptCalls.script(entry.getKey());
            String name = script.name();
            List<String> command = entry.getValue();
            if (!redis.call("SCRIPT", "LOAD", script.source()).equals(command.get(1))) {
                throw new IllegalStateException("SHA mismatch for " + name);
            }
            Map<String, Object> pipelined = redis.benchmark(200_000, 50, 16, 100_000, command);
            Map<String, Object> plain = redis.benchmark(60_000, 50, 1, 100_000, command);
            r.put(name, Map.of("pipelined16", pipelined, "unpipelined", plain));
            record.say("redis-benchmark %s: pipelined %s/s, unpipelined %s/s", name, pipelined.get("perSecond"), plain.get("perSecond"));
        }
        double mixPipelined = mixRate(r, "pipelined16");
        double mixPlain = mixRate(r, "unpipelined");
        r.put("mixPipelinedPerSecond", Math.round(mixPipelined));
        r.put("mixUnpipelinedPerSecond", Math.round(mixPlain));
        record.say("redis-benchmark, the stream's mix of the three scripts: pipelined %.0f/s, unpipelined %.0f/s", mixPipelined, mixPlain);
        return r;
    }

    /**
     * The pipelined rate again (shorter runs), right after the drain: the machine is shared, so the
     * ratio can be taken against what the machine gave at that time too.
     */
    Map<String, Object> redisAfterDrain() throws Exception {
        record.phase("limits-after-drain");
        Map<String, Object> r = pipelinedMix(redis, settings, 60_000);
        record.say("redis-benchmark again after the drain: the mix pipelined %s/s", r.get("mixPipelinedPerSecond"));
        return r;
    }

    /** The broker's raw rate: a kafka-clients loop producing and consuming records of the stream's sizes. */
    Map<String, Object> kafka(KafkaSide kafka, LoadStream stream) throws Exception {
        List<Event> sample = stream.batch(5_000, System.currentTimeMillis());
        Map<String, Object> limit = kafka.rawLimit(sample, 300_000);
        record.say("kafka raw (kafka-clients loop, same record sizes): %s", limit);
        return limit;
    }

    /**
     * {@code redis-benchmark} of each update script (50 clients, pipelined 16), and the stream's mix
     * of them. Also used by {@link ScriptCost}.
     */
    static Map<String, Object> pipelinedMix(RedisSide redis, LoadStream.Settings settings, int requests) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        double secondsPerEvent = 0;
        for (Map.Entry<Kind, List<String>> command : benchCommands(now).entrySet()) {
            ProfileScript script = ScriptCalls.script(command.getKey());
            redis.call("SCRIPT", "LOAD", script.source());
            Map<String, Object> m = redis.benchmark(requests, 50, 16, 100_000, command.getValue());
            r.put(script.name(), m);
            secondsPerEvent += settings.share(command.getKey()) / ((Number) m.get("perSecond")).doubleValue();
        }
        r.put("mixPipelinedPerSecond", Math.round(1 / secondsPerEvent));
        return r;
    }

    /**
     * The redis-benchmark command of each kind's update script ({@link ScriptCalls#script}, the
     * function's own): one sample event of the kind, built into its EVALSHA by the function's own
     * code, for a user and an event id drawn by redis-benchmark ({@code __rand_int__}; each
     * occurrence is drawn on its own).
     */
    static Map<Kind, List<String>> benchCommands(long now) throws Exception {
        ScriptCalls calls = new ScriptCalls();
        Map<Kind, List<String>> commands = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            commands.put(kind, calls.sample(kind, "rb__rand_int__", "d__rand_int__", now - 1000, now));
        }
        return commands;
    }

    @SuppressWarnings("unchecked")
    private double mixRate(Map<String, Object> r, String mode) {
        double secondsPerEvent = 0;
        for (Kind kind : Kind.values()) {
            Map<String, Object> m = (Map<String, Object>) ((Map<String, Object>) r.get(ScriptCalls.script(kind).name())).get(mode);
            secondsPerEvent += settings.share(kind) / ((Number) m.get("perSecond")).doubleValue();
        }
        return 1 / secondsPerEvent;
    }
}
