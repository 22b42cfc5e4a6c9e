package com.example.profiles.devtools.bench;

import static com.example.profiles.devtools.bench.Report.path;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The figures of a run against this round's targets, read from its results map alone (so a
 * previous run's results.json gives the same figures for comparison). Each target is a ratio to a
 * reference the same run measured, so a busier machine moves both sides; the absolute figures
 * beside them are information, compared with the previous recorded run ({@link PreviousRun}) but
 * not judged. Every figure has a stable id: results.json carries it as {@code targets.<id>}.
 */
final class Targets {

    /** The start-up target: the app's packaging in at most a third of the reference's start. */
    static final double START_RATIO = 0.33;
    /** Redis time in the scripts at most 1.3 times the floor of the commands they call. */
    static final double SCRIPT_FLOOR_RATIO = 1.3;
    /** The Kafka path's drain at least this share of redis-benchmark running the same scripts. */
    static final double DRAIN_RATIO = 0.75;
    /** HTTP event and profile read p99 at most this many times the trivial route's p99 at the same rate. */
    static final double TRIVIAL_ROUTE_RATIO = 3;
    static final double LAG_P99_MILLIS = 20;
    /** The lag target is judged only on a machine whose own Redis round trip p99 is under this. */
    static final double LAG_QUALIFYING_PING_P99_MILLIS = 2;
    static final int RSS_MB = 256;

    enum Verdict {
        MET("MET"), NOT_MET("NOT MET"), NOT_MEASURED("NOT MEASURED"),
        /** Measured, but on a machine too slow that hour for the target to mean anything. */
        NOT_JUDGED("NOT JUDGED");

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    /** A line of the summary: a figure or a line of information beside them. */
    sealed interface Entry permits Figure, Info {
    }

    /**
     * A figure: judged when it has a target (a verdict), information otherwise. {@code note} says
     * what it was taken against, or why it was not measured or judged.
     */
    record Figure(String id, String name, Number value, String target, Verdict verdict, String note) implements Entry {

        /** true / false when judged, null otherwise (not measured, not judged, or information). */
        Boolean met() {
            return verdict == Verdict.MET ? Boolean.TRUE : verdict == Verdict.NOT_MET ? Boolean.FALSE : null;
        }
    }

    record Info(String text) implements Entry {
    }

    private final Map<String, Object> results;
    private final List<Entry> entries = new ArrayList<>();

    private Targets(Map<String, Object> results) {
        this.results = results;
    }

    /** The summary's entries of one run, in the order printed. */
    static List<Entry> of(Map<String, Object> results) {
        Targets t = new Targets(results);
        t.startUp();
        t.redisTime();
        t.drain();
        t.lag();
        t.http();
        t.reads();
        t.memory();
        return t.entries;
    }

    /** Only the figures, by the order printed. */
    static List<Figure> figures(Map<String, Object> results) {
        return of(results).stream().filter(Figure.class::isInstance).map(Figure.class::cast).toList();
    }

    private void startUp() {
        // The reference is the plain start (fast-jar, no AOT cache, same JVM options) measured in
        // this run, so the target holds on a slower or busier machine too.
        Number reference = num("startReference", "referenceMedianMillis");
        Number app = num("startReference", "appMedianMillis");
        Number given = num("startReference", "ratio");
        Number ratio = given == null ? ratio(app, reference) : Double.valueOf(Report.round(given.doubleValue()));
        judge("startRatio", "start-up to the first HTTP event as Knative runs it, the app's packaging / the reference (fast-jar, no AOT cache,"
                + " same JVM options), medians", ratio, "<=", START_RATIO,
                reference == null ? "no start-up reference in this run" : app == null ? "no start of the app's packaging in this run" : null,
                reference == null || app == null ? null : app + " / " + reference + " ms");
        info("startAppMillis", "  the app's packaging, median of " + runs("app") + " (ms)", app);
        info("startReferenceMillis", "  the reference, median of " + runs("reference") + " (ms)", reference);
        // The single cold starts of the scenario, as before: information now.
        if (num("coldStartKnative", "launchToFirstHttpEventAppliedMillis") != null) {
            add(new Figure("coldStartKnativeMillis", "cold start as Knative runs it (own Kafka consumers off), launch to the first HTTP event (ms)",
                    num("coldStartKnative", "launchToFirstHttpEventAppliedMillis"), null, null,
                    String.format("Quarkus %s s, app CPU %s ms", path(results, "coldStartKnative", "quarkusReportedStartSeconds"),
                            path(results, "coldStartKnative", "appCpuMillisToFirstHttpEvent"))));
        }
        if (num("coldStart", "launchToFirstHttpEventAppliedMillis") != null) {
            add(new Figure("coldStartMillis", "cold start, consumers on (one event waiting), launch to the first HTTP event (ms)",
                    num("coldStart", "launchToFirstHttpEventAppliedMillis"), null, null,
                    String.format("first Kafka event %s ms", path(results, "coldStart", "launchToFirstKafkaEventWrittenMillis"))));
        }
        if (results.containsKey("startup")) {
            entries.add(new Info(String.format("  start-up with the backlog waiting: first HTTP event %s ms, first Kafka event %s ms",
                    path(results, "startup", "launchToFirstHttpEventAppliedMillis"), path(results, "startup", "launchToFirstKafkaEventWrittenMillis"))));
        }
    }

    private String runs(String variant) {
        if (!(path(results, "startReference", "runs") instanceof List<?> runs)) {
            return "its starts";
        }
        long n = runs.stream().filter(r -> r instanceof Map<?, ?> m && variant.equals(m.get("variant"))).count();
        return n == 1 ? "1 start" : n + " starts";
    }

    private void redisTime() {
        Number scripts = num("limits", "scriptFloor", "scriptsUsecPerEvent");
        Number floor = num("limits", "scriptFloor", "floorUsecPerEvent");
        Number given = num("limits", "scriptFloor", "ratio");
        Number ratio = given == null ? ratio(scripts, floor) : Double.valueOf(Report.round(given.doubleValue()));
        judge("scriptFloorRatio", "Redis time per event in the scripts / the floor of their own commands (script-cost's stream, the same server)",
                ratio, "<=", SCRIPT_FLOOR_RATIO, ratio == null ? "no script floor in this run" : null,
                scripts == null || floor == null ? null : scripts + " / " + floor + " µs per event");
        // Redis's own account of its time in the scripts over the drain (INFO commandstats). Not a
        // sum over all commands: the commands a script calls are counted again under their own
        // names, inside the script's time.
        info("evalshaUsecPerEvent", "Redis time per event in the scripts during the drain, EVALSHA in INFO commandstats (µs)",
                num("kafkaSaturation", "redisCommands", "evalsha", "usecPerEvent"));
    }

    private void drain() {
        Number before = num("limits", "redis", "mixPipelinedPerSecond");
        Number after = num("limits", "redisAfterDrain", "mixPipelinedPerSecond");
        // The machine is shared: the limit is the mean of the runs before and right after the drain.
        Number mix = before == null ? null : after == null ? before : (Number) Math.round((before.doubleValue() + after.doubleValue()) / 2);
        Number sustained = num("kafkaSaturation", "sustainedPerSecond");
        judge("drainRatio", "Kafka path sustained / redis-benchmark of the same scripts pipelined (the stream's mix, mean of before and after the drain)",
                ratio(sustained, mix), ">=", DRAIN_RATIO,
                sustained == null ? "no drain in this run" : mix == null ? "no redis-benchmark of the scripts in this run" : null,
                sustained + " / " + mix + " events/s, " + before + " before and " + after + " after");
        info("drainPerSecond", "Kafka path sustained events/s (the drain)", sustained);
        info("redisBenchmarkMixPerSecond", "redis-benchmark of the scripts, the stream's mix pipelined, mean of before and after the drain (/s)", mix);
        entries.add(new Info(String.format("  ratio Kafka path / broker raw consume rate: %s", ratio(sustained, num("limits", "kafka", "consumePerSecond")))));
    }

    private void lag() {
        Map<String, Object> at5000 = step("kafkaLag", 5000);
        Number lag99 = at5000 == null ? null : (Number) path(at5000, "lagMillis", "p99");
        Number ping99 = at5000 == null ? null : (Number) path(at5000, "reference", "redisPingMillis", "p99");
        String name = "Kafka freshness lag p99 at 5,000 events/s offered (ms)";
        String target = "<= " + fmt(LAG_P99_MILLIS) + " when Redis PING p99 < " + fmt(LAG_QUALIFYING_PING_P99_MILLIS) + " ms";
        if (lag99 == null) {
            add(new Figure("kafkaLagP99At5000", name, null, target, Verdict.NOT_MEASURED, "no Kafka step at 5,000 events/s in this run"));
        } else if (ping99 == null) {
            add(new Figure("kafkaLagP99At5000", name, lag99, target, Verdict.NOT_MEASURED, "no Redis PING reference at this step in this run"));
        } else if (ping99.doubleValue() >= LAG_QUALIFYING_PING_P99_MILLIS) {
            // A machine whose own round trip to Redis has a 2 ms tail cannot show a 20 ms lag tail.
            add(new Figure("kafkaLagP99At5000", name, lag99, target, Verdict.NOT_JUDGED,
                    "this run does not qualify: Redis PING p99 " + ping99 + " ms at this step"));
        } else {
            add(new Figure("kafkaLagP99At5000", name, lag99, target, lag99.doubleValue() <= LAG_P99_MILLIS ? Verdict.MET : Verdict.NOT_MET,
                    "Redis PING p99 " + ping99 + " ms at this step"));
        }
        for (int rate : new int[] { 1000, 10000 }) {
            Map<String, Object> step = step("kafkaLag", rate);
            if (step != null) {
                info("kafkaLagP99At" + rate, String.format("Kafka freshness lag p99 at %,d events/s offered (ms)", rate), (Number) path(step, "lagMillis", "p99"));
            }
        }
    }

    private void http() {
        Map<String, Object> http1000 = step("http", 1000);
        Number http99 = http1000 == null ? null : (Number) path(http1000, "latencyMillis", "p99");
        Number trivial99 = http1000 == null ? null : (Number) path(http1000, "reference", "trivialRouteMillis", "p99");
        judge("httpP99Ratio", "HTTP request latency p99 at 1,000 events/s / the trivial route's p99 at the same rate", ratio(http99, trivial99), "<=",
                TRIVIAL_ROUTE_RATIO, http99 == null ? "no HTTP step at 1,000 events/s in this run" : trivial99 == null ? "no trivial-route reference in this run" : null,
                http99 + " / " + trivial99 + " ms");
        info("httpP99Millis", "HTTP request latency p99 at 1,000 events/s (ms)", http99);
        entries.add(new Info(String.format("  HTTP service time at 1,000 events/s (from when each request went out) p99: %s ms",
                http1000 == null ? null : path(http1000, "serviceMillis", "p99"))));
        Object saturation = null;
        if (results.get("http") instanceof List<?> steps && !steps.isEmpty()) {
            saturation = ((Map<?, ?>) steps.get(steps.size() - 1)).get("completedPerSecond");
        }
        entries.add(new Info(String.format("  HTTP saturation rate: %s events/s (ratio to redis-benchmark unpipelined mix: %s)", saturation,
                ratio((Number) saturation, num("limits", "redis", "mixUnpipelinedPerSecond")))));
    }

    private void reads() {
        Number read99 = num("reads", "latencyMillis", "p99");
        Number trivial99 = num("reads", "reference", "trivialRouteMillis", "p99");
        judge("readP99Ratio", "profile read p99 at 1,000 reads/s over HTTP / the trivial route's p99 at the same rate", ratio(read99, trivial99), "<=",
                TRIVIAL_ROUTE_RATIO, read99 == null ? "no profile reads in this run" : trivial99 == null ? "no trivial-route reference in this run" : null,
                read99 + " / " + trivial99 + " ms");
        info("readP99Millis", "profile read p99 at 1,000 reads/s over HTTP (ms)", read99);
        entries.add(new Info(String.format("  profile read service time (from when each request went out) p50 / p99: %s / %s ms",
                path(results, "reads", "serviceMillis", "p50"), path(results, "reads", "serviceMillis", "p99"))));
    }

    private void memory() {
        long rss = 0;
        long rebuildRss = 0;
        if (results.get("maxRssMbByPhase") instanceof Map<?, ?> byPhase) {
            for (Map.Entry<?, ?> e : byPhase.entrySet()) {
                // The rebuild phases come last, after runs recorded without them: given on their own line.
                if (e.getKey().toString().startsWith("rebuild")) {
                    rebuildRss = Math.max(rebuildRss, ((Number) e.getValue()).longValue());
                } else if (!e.getKey().equals("startup") && !e.getKey().equals("cold-start")) {
                    rss = Math.max(rss, ((Number) e.getValue()).longValue());
                }
            }
        }
        // Which app was under load: the Kafka path's (its own consumers on, the default) or a
        // Knative Service's (-Dbench.app-consumers=false: HTTP only).
        String app = Boolean.FALSE.equals(path(results, "machine", "appConsumers")) ? "as Knative runs it" : "Kafka consumers on";
        judge("rssUnderLoadMb", "RSS under load, max over the load phases, " + app + " (MB)", rss == 0 ? null : rss, "<=", RSS_MB,
                rss == 0 ? "no load phase in this run" : null, null);
        if (rss > 0 && !String.valueOf(path(results, "machine", "appJvmOptions")).contains("-XX:+AlwaysPreTouch")) {
            // A run of minutes may never fill the heap's old generation, which a long-lived
            // instance does: 239-249 MB here became 289-292 MB with the heap resident (bench/results/round2/NOTES.md).
            entries.add(new Info("  (heap not pre-touched: part of it may never have been resident; add -XX:+AlwaysPreTouch to APP_JVM_OPTS"
                    + " for what a long-lived instance settles at)"));
        }
        entries.add(new Info(String.format("  sweep over %s profiles (%s stale): entriesTouched %s, durationMillis %s", path(results, "sweep", "profiles"),
                path(results, "sweep", "staleShare"), path(results, "sweep", "answer", "entriesTouched"), path(results, "sweep", "answer", "durationMillis"))));
        rebuild(rebuildRss);
    }

    /**
     * Per rebuild run: the job's rate into the new generation beside the live path's, the live lag
     * alone and during it, and when it switched; no target (the budget is the operator's choice).
     */
    @SuppressWarnings("unchecked")
    private void rebuild(long rebuildRss) {
        if (!(path(results, "rebuild", "runs") instanceof List<?> runs)) {
            return;
        }
        for (Object o : runs) {
            Map<String, Object> run = (Map<String, Object>) o;
            Number budget = (Number) run.get("maxEventsPerSecond");
            entries.add(new Info(String.format("  rebuild, max-events-per-second %,d (%s records on the topics at its start): %s records/s read into the new"
                    + " generation while building, %s/s over its last 5 s, beside the live path's %s events/s; live freshness lag p50 / p99 %s / %s ms"
                    + " alone, %s / %s ms during; switched %s s and exited %s s after the launch, exit code %s%s",
                    budget == null ? 0 : budget.longValue(), path(run, "history", "retained"), path(run, "rebuild", "readPerSecondWhileBuilding"),
                    path(run, "rebuild", "readPerSecondLast5sOfBuilding"), path(run, "liveDuring", "achievedSendPerSecond"),
                    path(run, "liveAlone", "lagMillis", "p50"), path(run, "liveAlone", "lagMillis", "p99"),
                    path(run, "liveDuring", "lagMillis", "p50"), path(run, "liveDuring", "lagMillis", "p99"),
                    path(run, "rebuild", "seconds", "launchToSwitched"), path(run, "rebuild", "seconds", "launchToExit"),
                    path(run, "rebuild", "exitCode"), run.get("failed") instanceof List<?> failed && !failed.isEmpty() ? "; FAILED: " + failed : "")));
        }
        if (rebuildRss > 0) {
            entries.add(new Info(String.format("  RSS of the app during the rebuild phases (not in the figure above): %d MB", rebuildRss)));
        }
    }

    /**
     * A judged figure: NOT MEASURED with {@code missing} as the reason when that is given (or the
     * value is absent), otherwise met or not against {@code limit}; {@code against} says what the
     * ratio was taken of.
     */
    private void judge(String id, String name, Number value, String op, double limit, String missing, String against) {
        String target = op + " " + fmt(limit);
        if (missing != null || value == null) {
            add(new Figure(id, name, null, target, Verdict.NOT_MEASURED, missing == null ? "not measured in this run" : missing));
            return;
        }
        boolean met = op.equals("<=") ? value.doubleValue() <= limit : value.doubleValue() >= limit;
        add(new Figure(id, name, value, target, met ? Verdict.MET : Verdict.NOT_MET, against));
    }

    /** Information beside the targets; left out when this run did not measure it. */
    private void info(String id, String name, Number value) {
        if (value != null) {
            add(new Figure(id, name, value, null, null, null));
        }
    }

    private void add(Figure figure) {
        entries.add(figure);
    }

    private Number num(String... keys) {
        return path(results, keys) instanceof Number n ? n : null;
    }

    static Double ratio(Number a, Number b) {
        if (a == null || b == null || b.doubleValue() == 0) {
            return null;
        }
        return Report.round(a.doubleValue() / b.doubleValue());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> step(String key, int rate) {
        if (!(results.get(key) instanceof List<?> steps)) {
            return null;
        }
        for (Object s : steps) {
            Map<String, Object> step = (Map<String, Object>) s;
            if (step.get("offeredPerSecond") instanceof Number n && n.intValue() == rate) {
                return step;
            }
        }
        return null;
    }
}
