package com.example.profiles.devtools.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * results.json, summary.txt (the log, then each target and ratio), lag-vs-load.png, and the time
 * series (series.json) with their SVG charts ({@link BenchCharts}).
 */
final class Report {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The time series behind the SVG charts, beside results.json (whose figures they do not change). */
    static final String SERIES = "series.json";

    private Report() {
    }

    /** A figure to two decimals. */
    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** count, p50, p99, p99.9 and max of a histogram, its values divided by {@code divisor} (e.g. µs to ms). */
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

    static void write(Path out, Map<String, Object> results, List<String> log, Map<String, Object> series) throws Exception {
        List<String> lines = new ArrayList<>(log);
        lines.add("");
        lines.add("==== figures against targets (2-core machine, everything on the same box) ====");
        Map<String, Object> targets = new LinkedHashMap<>();
        results.put("targets", targets);

        Number mixBefore = (Number) path(results, "limits", "redis", "mixPipelinedPerSecond");
        Number mixAfter = (Number) path(results, "limits", "redisAfterDrain", "mixPipelinedPerSecond");
        // The machine is shared: the limit is the mean of the runs before and right after the drain.
        Number mix = mixAfter == null ? mixBefore : (Number) Math.round((mixBefore.doubleValue() + mixAfter.doubleValue()) / 2);
        Number mixPlain = (Number) path(results, "limits", "redis", "mixUnpipelinedPerSecond");
        Number consume = (Number) path(results, "limits", "kafka", "consumePerSecond");
        Number sustained = (Number) path(results, "kafkaSaturation", "sustainedPerSecond");
        target(lines, targets, "Kafka path sustained events/s", sustained, ">= 25000", sustained != null && sustained.doubleValue() >= 25_000);
        Double ratio = ratio(sustained, mix);
        target(lines, targets, "Kafka path / redis-benchmark of the same scripts pipelined (stream's mix, mean of " + mixBefore + " before and "
                + mixAfter + " after the drain)", ratio, ">= 0.6", ratio != null && ratio >= 0.6);
        lines.add(String.format("  ratio Kafka path / broker raw consume rate: %s", ratio(sustained, consume)));
        // Redis's own account of its time in the scripts (INFO commandstats over the drain). Not a
        // sum over all commands: the commands a script calls are counted again under their own
        // names, inside the script's time; the few outside the scripts (the freshness index's) cannot
        // be told apart from those, and BENCHMARKS.md gives them separately.
        Number scriptMicros = (Number) path(results, "kafkaSaturation", "redisCommands", "evalsha", "usecPerEvent");
        target(lines, targets, "Redis time per event in the scripts during the drain, EVALSHA in INFO commandstats (µs)", scriptMicros, "<= 25",
                scriptMicros != null && scriptMicros.doubleValue() <= 25);

        Map<String, Object> at5000 = step(results, "kafkaLag", 5000);
        Number lag99 = at5000 == null ? null : (Number) path(at5000, "lagMillis", "p99");
        target(lines, targets, "Kafka freshness lag p99 at 5,000 events/s offered (ms)", lag99, "<= 50", lag99 != null && lag99.doubleValue() <= 50);

        Map<String, Object> http1000 = step(results, "http", 1000);
        Number http99 = http1000 == null ? null : (Number) path(http1000, "latencyMillis", "p99");
        target(lines, targets, "HTTP request latency p99 at 1,000 events/s (ms)", http99, "<= 10", http99 != null && http99.doubleValue() <= 10);
        lines.add(String.format("  HTTP service time at 1,000 events/s (from when each request went out) p99: %s ms",
                http1000 == null ? null : path(http1000, "serviceMillis", "p99")));
        Object saturation = null;
        if (results.get("http") instanceof List<?> steps && !steps.isEmpty()) {
            saturation = ((Map<?, ?>) steps.get(steps.size() - 1)).get("completedPerSecond");
        }
        lines.add(String.format("  HTTP saturation rate: %s events/s (ratio to redis-benchmark unpipelined mix: %s)", saturation,
                ratio((Number) saturation, mixPlain)));

        Number read99 = (Number) path(results, "reads", "latencyMillis", "p99");
        target(lines, targets, "profile read p99 at 1,000 reads/s over HTTP (ms)", read99, "<= 2", read99 != null && read99.doubleValue() <= 2);
        lines.add(String.format("  profile read service time (from when each request went out) p50 / p99: %s / %s ms",
                path(results, "reads", "serviceMillis", "p50"), path(results, "reads", "serviceMillis", "p99")));

        // The target is taken on the cold start (one event waiting, as when scaling from zero);
        // the Knative configuration's and the start with the whole backlog waiting are reported beside it.
        String startKey = results.containsKey("coldStart") ? "coldStart" : "startup";
        Number http = (Number) path(results, startKey, "launchToFirstHttpEventAppliedMillis");
        Number kafka = (Number) path(results, startKey, "launchToFirstKafkaEventWrittenMillis");
        Number first = http == null ? kafka : kafka == null ? http : Math.min(http.longValue(), kafka.longValue());
        target(lines, targets, "JVM launch to first event applied, " + startKey + " (ms; HTTP " + http + ", Kafka " + kafka + ")", first,
                "<= 1500", first != null && first.longValue() <= 1500);
        if (results.containsKey("coldStartKnative")) {
            lines.add(String.format("  cold start as Knative runs it (the app's own Kafka consumers off): first HTTP event %s ms (Quarkus %s s, app CPU %s ms)",
                    path(results, "coldStartKnative", "launchToFirstHttpEventAppliedMillis"),
                    path(results, "coldStartKnative", "quarkusReportedStartSeconds"),
                    path(results, "coldStartKnative", "appCpuMillisToFirstHttpEvent")));
        }
        if (!startKey.equals("startup")) {
            lines.add(String.format("  start-up with the backlog waiting: first HTTP event %s ms, first Kafka event %s ms",
                    path(results, "startup", "launchToFirstHttpEventAppliedMillis"), path(results, "startup", "launchToFirstKafkaEventWrittenMillis")));
        }

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
        target(lines, targets, "RSS under load, max over the load phases, " + app + " (MB)", rss, "<= 256", rss > 0 && rss <= 256);
        if (rss > 0 && !String.valueOf(path(results, "machine", "appJvmOptions")).contains("-XX:+AlwaysPreTouch")) {
            // A run of minutes may never fill the heap's old generation, which a long-lived
            // instance does: 239-249 MB here became 289-292 MB with the heap resident (bench/results/round2/NOTES.md).
            lines.add("  (heap not pre-touched: part of it may never have been resident; add -XX:+AlwaysPreTouch to APP_JVM_OPTS"
                    + " for what a long-lived instance settles at)");
        }
        Object touched = path(results, "sweep", "answer", "entriesTouched");
        Object duration = path(results, "sweep", "answer", "durationMillis");
        lines.add(String.format("  sweep over %s profiles (%s stale): entriesTouched %s, durationMillis %s", path(results, "sweep", "profiles"),
                path(results, "sweep", "staleShare"), touched, duration));
        rebuild(lines, results, rebuildRss);

        Files.writeString(out.resolve("results.json"), JSON.writeValueAsString(results));
        Files.write(out.resolve("summary.txt"), lines);
        Files.writeString(out.resolve(SERIES), JSON.writeValueAsString(series));
        chart(out, results);
        List<String> svgs = svgCharts(out, series, results);
        for (int i = log.size(); i < lines.size(); i++) {
            System.out.println(lines.get(i));
        }
        System.out.println("wrote " + out.resolve("results.json") + ", " + out.resolve("summary.txt") + ", " + out.resolve("lag-vs-load.png") + ", "
                + out.resolve(SERIES) + (svgs.isEmpty() ? "" : ", " + String.join(", ", svgs)));
    }

    /**
     * Per rebuild run: the job's rate into the new generation beside the live path's, the live lag
     * alone and during it, and when it switched; no target (the budget is the operator's choice).
     */
    @SuppressWarnings("unchecked")
    private static void rebuild(List<String> lines, Map<String, Object> results, long rebuildRss) {
        if (!(path(results, "rebuild", "runs") instanceof List<?> runs)) {
            return;
        }
        for (Object o : runs) {
            Map<String, Object> run = (Map<String, Object>) o;
            Number budget = (Number) run.get("maxEventsPerSecond");
            lines.add(String.format("  rebuild, max-events-per-second %,d (%s records on the topics at its start): %s records/s read into the new"
                    + " generation while building, %s/s over its last 5 s, beside the live path's %s events/s; live freshness lag p50 / p99 %s / %s ms"
                    + " alone, %s / %s ms during; switched %s s and exited %s s after the launch, exit code %s%s",
                    budget == null ? 0 : budget.longValue(), path(run, "history", "retained"), path(run, "rebuild", "readPerSecondWhileBuilding"),
                    path(run, "rebuild", "readPerSecondLast5sOfBuilding"), path(run, "liveDuring", "achievedSendPerSecond"),
                    path(run, "liveAlone", "lagMillis", "p50"), path(run, "liveAlone", "lagMillis", "p99"),
                    path(run, "liveDuring", "lagMillis", "p50"), path(run, "liveDuring", "lagMillis", "p99"),
                    path(run, "rebuild", "seconds", "launchToSwitched"), path(run, "rebuild", "seconds", "launchToExit"),
                    path(run, "rebuild", "exitCode"), run.get("failed") instanceof List<?> failed && !failed.isEmpty() ? "; FAILED: " + failed : ""));
        }
        if (rebuildRss > 0) {
            lines.add(String.format("  RSS of the app during the rebuild phases (not in the figure above): %d MB", rebuildRss));
        }
    }

    /** Writes the SVG charts the series allow; answers their paths. */
    static List<String> svgCharts(Path out, Map<String, Object> series, Map<String, Object> results) throws Exception {
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, String> chart : BenchCharts.render(series, results).entrySet()) {
            Files.writeString(out.resolve(chart.getKey()), chart.getValue());
            written.add(out.resolve(chart.getKey()).toString());
        }
        return written;
    }

    private static void target(List<String> lines, Map<String, Object> targets, String name, Object value, String target, boolean met) {
        // A phase left out (-Dbench.phases) measures nothing: say so rather than "not met".
        boolean measured = value != null && !(value instanceof Number n && n.doubleValue() == 0);
        lines.add(String.format("  [%s] %s: %s (target %s)", met ? "MET" : measured ? "NOT MET" : "NOT MEASURED", name, value, target));
        targets.put(name, Map.of("value", String.valueOf(value), "target", target, "met", met));
    }

    private static Double ratio(Number a, Number b) {
        if (a == null || b == null || b.doubleValue() == 0) {
            return null;
        }
        return Math.round(a.doubleValue() / b.doubleValue() * 100) / 100.0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> step(Map<String, Object> results, String key, int rate) {
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

    @SuppressWarnings("unchecked")
    static Object path(Map<String, Object> root, String... keys) {
        Object node = root;
        for (String key : keys) {
            if (node instanceof Map<?, ?> map) {
                node = ((Map<String, Object>) map).get(key);
            } else if (node instanceof com.fasterxml.jackson.databind.JsonNode json) {
                node = json.get(key);
            } else {
                return null;
            }
        }
        if (node instanceof com.fasterxml.jackson.databind.JsonNode json) {
            return json.isNumber() ? json.numberValue() : json.asText();
        }
        return node;
    }

    /**
     * Draws the charts again from a results folder: {@code Report <folder>}: lag-vs-load.png from
     * results.json, and the SVG charts from series.json if the run wrote one.
     */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args.length > 0 ? args[0] : "target/bench");
        Map<String, Object> results = JSON.readValue(folder.resolve("results.json").toFile(), Map.class);
        chart(folder, results);
        if (Files.exists(folder.resolve(SERIES))) {
            List<String> svgs = svgCharts(folder, JSON.readValue(folder.resolve(SERIES).toFile(), Map.class), results);
            System.out.println("drew " + folder.resolve("lag-vs-load.png") + (svgs.isEmpty() ? "" : " and " + String.join(", ", svgs)));
        } else {
            System.out.println("drew " + folder.resolve("lag-vs-load.png") + " (no " + SERIES + " here: no SVG charts)");
        }
    }

    @SuppressWarnings("unchecked")
    private static void chart(Path out, Map<String, Object> results) throws Exception {
        XYSeriesCollection data = new XYSeriesCollection();
        String[][] series = { { "kafkaLag", "lagMillis", "Kafka" }, { "http", "freshnessLagMillis", "HTTP" } };
        for (String[] s : series) {
            if (!(results.get(s[0]) instanceof List<?> steps)) {
                continue;
            }
            for (String p : new String[] { "p50", "p99", "p99.9" }) {
                XYSeries xy = new XYSeries(s[2] + " freshness lag " + p);
                for (Object o : steps) {
                    Map<String, Object> step = (Map<String, Object>) o;
                    Number offered = (Number) step.get("offeredPerSecond");
                    Number value = (Number) path(step, s[1], p);
                    if (offered != null && offered.intValue() > 0 && value != null) {
                        xy.add(offered.doubleValue(), Math.max(0.5, value.doubleValue()));
                    }
                }
                if (xy.getItemCount() > 0) {
                    data.addSeries(xy);
                }
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Freshness lag (event time to profile written) against offered load",
                "offered load (events/s)", "lag (ms, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis axis = new LogAxis("lag (ms, log scale; 0 is drawn at 0.5)");
        axis.setSmallestValue(0.5);
        axis.setBase(10);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        plot.setRangeAxis(axis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        ChartUtils.saveChartAsPNG(out.resolve("lag-vs-load.png").toFile(), chart, 1000, 560);
    }
}
