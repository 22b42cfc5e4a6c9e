package com.example.profiles.devtools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The HTTP path: events at fixed offered rates (-Dbench.http-rates) and at saturation (a fixed
 * number in flight), then profile reads at a fixed rate, each after a warm-up that is not counted.
 */
final class HttpScenarios {

    private final BenchRecord record;
    private final AppUnderTest app;

    HttpScenarios(BenchRecord record, AppUnderTest app) {
        this.record = record;
        this.app = app;
    }

    void events(HttpSide client, LoadStream stream) {
        List<Map<String, Object>> steps = new ArrayList<>();
        record.put("http", steps);
        double seconds = Double.parseDouble(System.getProperty("bench.step-seconds", "10"));
        // Warm-up, not counted: until now only the Kafka path has run, and the HTTP path's code
        // would otherwise be interpreted and compiled during the first measured step.
        record.phase("http-warmup");
        HttpSide.Result warmup = client.openLoop(1000, 5, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
        record.say("http warm-up (not counted): %d ok, %d errors, p99 %.2f ms", warmup.ok, warmup.errors,
                warmup.latencyMicros.getValueAtPercentile(99) / 1000.0);
        for (String r : System.getProperty("bench.http-rates", "1000,2000,4000").split(",")) {
            int rate = Integer.parseInt(r.trim());
            record.phase("http-" + rate);
            long[] cpu0 = app.cpuTicks();
            HttpSide.Result result = client.openLoop(rate, seconds, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
            Map<String, Object> step = step("open", rate, result);
            step.put("cpuMicrosPerEvent", ProcessCpu.microsPerEvent(cpu0, app.cpuTicks(), result.ok));
            steps.add(step);
            record.say("http %d/s offered: %s", rate, step);
        }
        record.phase("http-saturation");
        int inFlight = Integer.getInteger("bench.http-in-flight", 32);
        long[] cpu0 = app.cpuTicks();
        HttpSide.Result result = client.closedLoop(inFlight, seconds, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
        Map<String, Object> step = step("closed(" + inFlight + " in flight)", 0, result);
        step.put("cpuMicrosPerEvent", ProcessCpu.microsPerEvent(cpu0, app.cpuTicks(), result.ok));
        steps.add(step);
        record.say("http saturation: %s", step);
    }

    void reads(HttpSide client, LoadStream stream) {
        record.phase("reads");
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
            record.phase("reads-warmup");
            HttpSide.Result warm = client.openLoop(rate, warmUp, i -> new HttpSide.Call(null, "/profiles/" + users.get(random.nextInt(users.size()))));
            record.say("read warm-up (not counted): %d ok, %d errors, p99 %.2f ms", warm.ok, warm.errors,
                    warm.latencyMicros.getValueAtPercentile(99) / 1000.0);
            record.phase("reads");
        }
        HttpSide.Result result = client.openLoop(rate, seconds, i -> new HttpSide.Call(null, "/profiles/" + users.get(random.nextInt(users.size()))));
        Map<String, Object> r = step("open", rate, result);
        r.remove("freshnessLagMillis");
        record.put("reads", r);
        record.say("profile reads: %s", r);
    }

    private static Map<String, Object> step(String mode, int rate, HttpSide.Result result) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("mode", mode);
        step.put("offeredPerSecond", rate);
        step.put("completedPerSecond", Math.round(result.perSecond()));
        step.put("ok", result.ok);
        step.put("errors", result.errors);
        if (result.firstError != null) {
            step.put("firstError", result.firstError.length() > 300 ? result.firstError.substring(0, 300) : result.firstError);
        }
        step.put("latencyMillis", Report.percentiles(result.latencyMicros, 1000));
        // From when each request actually went out: the app's part without the generator's own
        // scheduling delays (latencyMillis, from when it was due, has both).
        step.put("serviceMillis", Report.percentiles(result.serviceMicros, 1000));
        step.put("freshnessLagMillis", Report.percentiles(result.freshnessLagMillis, 1));
        return step;
    }
}
