package com.example.profiles.devtools.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The HTTP path: events at fixed offered rates (-Dbench.http-rates) and at saturation (a fixed
 * number in flight), then profile reads at a fixed rate, each after a warm-up that is not counted.
 *
 * <p>Beside each fixed-rate step, a reference of what the server and the machine alone add to a
 * request (under {@code reference} in the step's figures): right before the step, in the same
 * phase, the same open-loop generator on the same connections sends {@link #TRIVIAL_ROUTE} at the
 * step's rate for as long (-Dbench.reference-seconds, the step's length by default; 0 leaves it
 * out), timed the same way ({@code trivialRouteMillis}); and through the step itself a
 * {@link TailProbe} of Redis round trips ({@code redisPingMillis}). The saturation step has none: a
 * closed loop's latency is its own queue, with nothing of the same rate to set beside it.
 */
final class HttpScenarios {

    /**
     * The app's reference route ({@code PingRoute} in src/knative): 204 from the event loop,
     * nothing read or written; not {@code /q/health/live}, which runs the liveness checks.
     */
    static final String TRIVIAL_ROUTE = "/ping";

    private final BenchRecord record;
    private final AppUnderTest app;
    private final RedisSide redis;
    /** Whether the app serves the trivial route; null until asked (once, then warmed up). */
    private Boolean trivialRouteServed;

    HttpScenarios(BenchRecord record, AppUnderTest app, RedisSide redis) {
        this.record = record;
        this.app = app;
        this.redis = redis;
    }

    void events(HttpSide client, LoadStream stream) throws IOException {
        List<Map<String, Object>> steps = new ArrayList<>();
        record.put("http", steps);
        double seconds = Double.parseDouble(System.getProperty("bench.step-seconds", "10"));
        // Warm-up, not counted: until now only the Kafka path has run, and the HTTP path's code
        // would otherwise be interpreted and compiled during the first measured step.
        record.phase("http-warmup");
        HttpSide.Result warmup = client.openLoop(1000, 5, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
        record.say("http warm-up (not counted): %d ok, %d errors, p99 %.2f ms", warmup.ok, warmup.errors,
                warmup.latencyMicros.getValueAtPercentile(99) / 1000.0);
        if (referenceSeconds() > 0) {
            trivialRouteReady(client);
        }
        // One probe through the fixed-rate steps and their references, so both run beside the same
        // extra load; each step keeps the probe's figures of its own seconds.
        try (TailProbe probe = TailProbe.start(redis)) {
            for (String r : System.getProperty("bench.http-rates", "1000,2000,4000").split(",")) {
                int rate = Integer.parseInt(r.trim());
                record.phase("http-" + rate);
                Map<String, Object> reference = trivialRoute(client, rate);
                if (probe != null) {
                    probe.interval();
                }
                long[] cpu0 = app.cpuTicks();
                HttpSide.Result result = client.openLoop(rate, seconds, i -> new HttpSide.Call(stream.next(System.currentTimeMillis()), null));
                Map<String, Object> step = step("open", rate, result);
                step.put("cpuMicrosPerEvent", ProcessCpu.microsPerEvent(cpu0, app.cpuTicks(), result.ok));
                TailProbe.addTo(reference, probe);
                if (!reference.isEmpty()) {
                    step.put("reference", reference);
                }
                steps.add(step);
                record.say("http %d/s offered: %s", rate, step);
                sayReference(record, "http " + rate + "/s", step, reference);
            }
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

    void reads(HttpSide client, LoadStream stream) throws IOException {
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
            if (referenceSeconds() > 0) {
                trivialRouteReady(client);
            }
            record.phase("reads");
        }
        Map<String, Object> reference;
        HttpSide.Result result;
        try (TailProbe probe = TailProbe.start(redis)) {
            reference = trivialRoute(client, rate);
            if (probe != null) {
                probe.interval();
            }
            result = client.openLoop(rate, seconds, i -> new HttpSide.Call(null, "/profiles/" + users.get(random.nextInt(users.size()))));
            TailProbe.addTo(reference, probe);
        }
        Map<String, Object> r = step("open", rate, result);
        r.remove("freshnessLagMillis");
        if (!reference.isEmpty()) {
            r.put("reference", reference);
        }
        record.put("reads", r);
        record.say("profile reads: %s", r);
        sayReference(record, "profile reads " + rate + "/s", r, reference);
    }

    /**
     * The trivial-route reference at {@code rate} ({@link #trivialRoute(HttpSide, int, double)}),
     * for -Dbench.reference-seconds (the step's length by default); empty if that is 0 or the app
     * does not serve the route.
     */
    private Map<String, Object> trivialRoute(HttpSide client, int rate) {
        double seconds = referenceSeconds();
        if (seconds <= 0 || !trivialRouteReady(client)) {
            return new LinkedHashMap<>();
        }
        return trivialRoute(client, rate, seconds);
    }

    /** -Dbench.reference-seconds: how long each trivial-route reference runs; the step's length by default, 0 leaves them out. */
    private static double referenceSeconds() {
        return Double.parseDouble(System.getProperty("bench.reference-seconds", System.getProperty("bench.step-seconds", "10")));
    }

    /**
     * Whether the app serves the trivial route (an older build measured with APP_JAR may not);
     * asked once, and then the route is warmed up (-Dbench.reference-warmup-seconds, not counted)
     * in the phase running, so the JIT has seen its handler before the first measured reference.
     */
    private boolean trivialRouteReady(HttpSide client) {
        if (trivialRouteServed == null) {
            Object[] answer = client.once(new HttpSide.Call(null, TRIVIAL_ROUTE));
            trivialRouteServed = servesTrivialRoute(answer);
            if (!trivialRouteServed) {
                record.say("reference: GET %s answered %s %s, not 204: this build of the app has no trivial route, so no trivialRouteMillis",
                        TRIVIAL_ROUTE, answer[0], answer[1]);
                return false;
            }
            double warmUp = Double.parseDouble(System.getProperty("bench.reference-warmup-seconds", "5"));
            if (warmUp > 0) {
                HttpSide.Result warm = client.openLoop(2000, warmUp, i -> new HttpSide.Call(null, TRIVIAL_ROUTE));
                record.say("trivial route warm-up, GET %s (not counted): %d ok, %d errors, p99 %.2f ms", TRIVIAL_ROUTE, warm.ok, warm.errors,
                        warm.latencyMicros.getValueAtPercentile(99) / 1000.0);
            }
        }
        return trivialRouteServed;
    }

    /** Whether {@link HttpSide#once}'s answer to {@code GET /ping} is the trivial route's (204). */
    static boolean servesTrivialRoute(Object[] answer) {
        return answer[0] instanceof Integer status && status == 204;
    }

    /** {@link #TRIVIAL_ROUTE} at {@code rate} for {@code seconds}, open loop, as the reference map holds it. */
    static Map<String, Object> trivialRoute(HttpSide client, int rate, double seconds) {
        HttpSide.Result result = client.openLoop(rate, seconds, i -> new HttpSide.Call(null, TRIVIAL_ROUTE));
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("trivialRouteMillis", Report.percentiles(result.latencyMicros, 1000));
        reference.put("trivialRouteServiceMillis", Report.percentiles(result.serviceMicros, 1000));
        if (result.errors > 0) {
            reference.put("trivialRouteErrors", result.errors);
            reference.put("trivialRouteFirstError", result.firstError);
        }
        return reference;
    }

    /** The log line of a step's reference: its figures and the step's p99 as a multiple of each. */
    static void sayReference(BenchRecord record, String what, Map<String, Object> step, Map<String, Object> reference) {
        if (!reference.isEmpty()) {
            record.say("  reference beside %s: %s", what, TailProbe.describe(reference, (Number) Report.path(step, "latencyMillis", "p99")));
        }
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
