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
 * results.json, summary.txt (the log, then each figure against its target ({@link Targets}) beside
 * the previous recorded run's ({@link PreviousRun})), lag-vs-load.png, and the time series
 * (series.json) with their SVG charts ({@link BenchCharts}).
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
        lines.addAll(summary(results, PreviousRun.find(PreviousRun.root())));

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
     * The summary's section of figures against targets ({@link Targets}), each beside the previous
     * run's; puts {@code targets.<id>} and {@code previousRun} into {@code results}.
     */
    static List<String> summary(Map<String, Object> results, PreviousRun previous) {
        List<String> lines = new ArrayList<>();
        Object cores = path(results, "machine", "nproc");
        lines.add("==== figures against targets (" + (cores == null ? "cores not recorded" : cores + "-core machine")
                + ", everything on the same box; the ratios are to references measured in this run) ====");
        lines.add(previous.present() ? "  previous: the run in " + previous.folder + " (MOVED: further than the recorded spread between repeat runs)"
                : "  " + previous.absent);
        Map<String, Object> targets = new LinkedHashMap<>();
        results.put("targets", targets);
        if (previous.present()) {
            results.put("previousRun", previous.folder);
        }
        List<String> moved = new ArrayList<>();
        for (Targets.Entry entry : Targets.of(results)) {
            if (entry instanceof Targets.Info info) {
                lines.add(info.text());
                continue;
            }
            Targets.Figure f = (Targets.Figure) entry;
            PreviousRun.Change change = previous.compare(f);
            String line;
            if (f.target() == null) {
                line = String.format("  %s: %s%s", f.name(), f.value(), f.note() == null ? "" : " (" + f.note() + ")");
            } else if (f.value() == null) {
                line = String.format("  [%s] %s: %s (target %s)", f.verdict().label, f.name(), f.note(), f.target());
            } else {
                line = String.format("  [%s] %s: %s (%starget %s)", f.verdict().label, f.name(), f.value(), f.note() == null ? "" : f.note() + "; ", f.target());
            }
            lines.add(change == null ? line : line + "; " + PreviousRun.describe(change));
            if (change != null && change.moved()) {
                moved.add(String.format("%s %+.0f%%", f.id(), change.change() * 100));
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", f.name());
            t.put("value", f.value());
            t.put("target", f.target());
            t.put("met", f.met());
            t.put("verdict", f.verdict() == null ? null : f.verdict().label);
            t.put("note", f.note());
            t.put("previous", change == null ? null : change.previous());
            t.put("change", change == null ? null : change.change());
            t.put("spread", change == null ? null : change.spread());
            t.put("moved", change == null ? null : change.moved());
            targets.put(f.id(), t);
        }
        if (previous.present()) {
            lines.add(moved.isEmpty() ? "  nothing moved further than its recorded spread" : "  MOVED further than the recorded spread: " + String.join(", ", moved));
        }
        return lines;
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
     * results.json, and the SVG charts from series.json if the run wrote one; then prints that
     * run's figures against the targets beside the previous run's (the recorded run, or
     * {@code -Dbench.compare-to}). {@code Report --summary <folder>} only prints them. Writes no
     * summary or results file.
     */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        boolean summaryOnly = args.length > 0 && args[0].equals("--summary");
        int at = summaryOnly ? 1 : 0;
        Path folder = Path.of(args.length > at ? args[at] : "target/bench");
        Map<String, Object> results = JSON.readValue(folder.resolve("results.json").toFile(), Map.class);
        if (!summaryOnly) {
            chart(folder, results);
            if (Files.exists(folder.resolve(SERIES))) {
                List<String> svgs = svgCharts(folder, JSON.readValue(folder.resolve(SERIES).toFile(), Map.class), results);
                System.out.println("drew " + folder.resolve("lag-vs-load.png") + (svgs.isEmpty() ? "" : " and " + String.join(", ", svgs)));
            } else {
                System.out.println("drew " + folder.resolve("lag-vs-load.png") + " (no " + SERIES + " here: no SVG charts)");
            }
        }
        summary(results, PreviousRun.find(PreviousRun.root())).forEach(System.out::println);
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
