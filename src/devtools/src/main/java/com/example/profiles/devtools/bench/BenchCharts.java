package com.example.profiles.devtools.bench;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's phases drawn from series.json ({@link BenchSeries}) and results.json: the Kafka
 * freshness lag over each lag step, the events per second of each drain, the app's resident memory
 * over the run. Each chart is null when the run did not record its series (e.g. the phase was left
 * out, or the folder is older than the series).
 */
final class BenchCharts {

    static final String LAG = "lag-over-time.svg";
    static final String DRAIN = "drain-throughput.svg";
    static final String RSS = "rss-over-time.svg";

    private static final DecimalFormat COUNT = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    private static final String RUN_TIME = "time since the benchmark driver started (s)";

    private BenchCharts() {
    }

    /** Each chart the series allow, by file name. */
    static Map<String, String> render(Map<String, Object> series, Map<String, Object> results) {
        Map<String, String> charts = new LinkedHashMap<>();
        put(charts, LAG, lagOverTime(series));
        put(charts, DRAIN, drainThroughput(series, results));
        put(charts, RSS, rssOverTime(series));
        return charts;
    }

    private static void put(Map<String, String> charts, String name, String svg) {
        if (svg != null) {
            charts.put(name, svg);
        }
    }

    /** p50 and p99 of each second's probes, one colour per offered rate, the steps in the order they ran. */
    static String lagOverTime(Map<String, Object> series) {
        List<Map<String, Object>> steps = maps(series.get("kafkaLag"));
        if (steps.isEmpty()) {
            return null;
        }
        SvgChart chart = new SvgChart("Kafka freshness lag over each step of fixed offered load (p50 and p99 of each second's probes)", RUN_TIME,
                "lag, event stamped to profile written (ms, log scale; 0 drawn at 0.5)", true, 560);
        List<String> rates = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> step = steps.get(i);
            String rate = COUNT.format(number(step.get("offeredPerSecond"))) + " events/s";
            rates.add(rate);
            String color = SvgChart.PALETTE[i % SvgChart.PALETTE.length];
            double[] t = numbers(step.get("t"));
            double bucket = step.get("bucketSeconds") instanceof Number n ? n.doubleValue() : 1;
            double[] x = new double[t.length];
            for (int j = 0; j < t.length; j++) {
                x[j] = t[j] + bucket / 2;
            }
            chart.add(new SvgChart.Series(rate + " offered", color, false, true, x, atLeast(numbers(step.get("p50")), 0.5)));
            chart.add(new SvgChart.Series(null, color, true, true, x, atLeast(numbers(step.get("p99")), 0.5)));
        }
        chart.add(new SvgChart.Series("p50 (solid)", "#555555", false, false, new double[0], new double[0]));
        chart.add(new SvgChart.Series("p99 (dashed)", "#555555", true, false, new double[0], new double[0]));
        for (SvgChart.Band b : phaseBands(series)) {
            if (b.label().matches("kafka-\\d+")) {
                chart.band(new SvgChart.Band(COUNT.format(Long.parseLong(b.label().substring(6))) + "/s", b.from(), b.to()));
            }
        }
        return chart.render();
    }

    /**
     * Events per second between the samples of each drain (every outcome, and those applied), from
     * its start; the sustained rate of results.json over the samples it was taken from.
     */
    static String drainThroughput(Map<String, Object> series, Map<String, Object> results) {
        List<Map<String, Object>> drains = maps(series.get("drains"));
        if (drains.isEmpty()) {
            return null;
        }
        SvgChart chart = new SvgChart("Kafka drain: events per second while the backlog drains (one point a second)", "time since the drain began (s)",
                "events per second", false, 540).xFrom(0);
        for (int i = 0; i < drains.size(); i++) {
            Map<String, Object> drain = drains.get(i);
            String phase = String.valueOf(drain.get("phase"));
            String color = SvgChart.PALETTE[i % SvgChart.PALETTE.length];
            double[] t = numbers(drain.get("t"));
            double[] processed = numbers(drain.get("processed"));
            double[] applied = numbers(drain.get("applied"));
            String name = switch (phase) {
                case "kafka-saturation" -> "backlog drain";
                case "kafka-profiled" -> "second drain, under JFR";
                default -> phase;
            };
            chart.add(new SvgChart.Series(name + ": every outcome", color, false, true, midpoints(t), rates(t, processed)));
            chart.add(new SvgChart.Series(name + ": applied", color, true, false, midpoints(t), rates(t, applied)));
            String resultKey = phase.equals("kafka-saturation") ? "kafkaSaturation" : phase.equals("kafka-profiled") ? "kafkaProfiled" : null;
            Object sustained = resultKey == null ? null
                    : phase.equals("kafka-profiled") ? Report.path(results, resultKey, "drain", "sustainedPerSecond")
                            : Report.path(results, resultKey, "sustainedPerSecond");
            Object events = resultKey == null ? null
                    : phase.equals("kafka-profiled") ? Report.path(results, resultKey, "drain", "events") : Report.path(results, resultKey, "events");
            if (sustained instanceof Number rate && events instanceof Number expected) {
                // The window KafkaScenarios takes it over: from the first sample at 20% of the backlog to the last at 95% or less.
                double from = Double.NaN;
                double to = Double.NaN;
                for (int j = 1; j < t.length; j++) {
                    if (Double.isNaN(from) && processed[j] >= 0.2 * expected.doubleValue()) {
                        from = t[j];
                    }
                    if (processed[j] <= 0.95 * expected.doubleValue()) {
                        to = t[j];
                    }
                }
                chart.rule(new SvgChart.Rule(name + ": sustained " + COUNT.format(rate) + "/s (20-95% of the backlog)", color, rate.doubleValue(), from,
                        to));
            }
        }
        return chart.render();
    }

    /** VmRSS and RssAnon, the highest of each second, broken at each launch of the app; the phases shaded; the 256 MB target. */
    static String rssOverTime(Map<String, Object> series) {
        Map<String, Object> rss = series.get("rss") instanceof Map<?, ?> m ? cast(m) : Map.of();
        double[] t = numbers(rss.get("t"));
        if (t.length == 0) {
            return null;
        }
        double[] launches = numbers(series.get("launches"));
        SvgChart chart = new SvgChart("App resident memory over the run (highest 200 ms sample of each second)", RUN_TIME, "resident memory (MB)", false,
                620).xFrom(0);
        double[][] all = broken(t, numbers(rss.get("rssMb")), launches);
        double[][] anon = broken(t, numbers(rss.get("rssAnonMb")), launches);
        chart.add(new SvgChart.Series("VmRSS (all resident memory)", SvgChart.PALETTE[0], false, false, all[0], all[1]));
        chart.add(new SvgChart.Series("RssAnon (its private part: heap, code, malloc, stacks)", SvgChart.PALETTE[1], false, false, anon[0], anon[1]));
        chart.rule(new SvgChart.Rule("256 MB target under load", SvgChart.PALETTE[3], 256, Double.NaN, Double.NaN));
        phaseBands(series).forEach(chart::band);
        return chart.render();
    }

    /** Each phase from its start to the next one's (the last to the end of the run). */
    static List<SvgChart.Band> phaseBands(Map<String, Object> series) {
        Map<String, Object> phases = series.get("phases") instanceof Map<?, ?> m ? cast(m) : Map.of();
        List<?> names = phases.get("name") instanceof List<?> l ? l : List.of();
        double[] from = numbers(phases.get("from"));
        double end = series.get("seconds") instanceof Number n ? n.doubleValue() : Double.NaN;
        List<SvgChart.Band> bands = new ArrayList<>();
        for (int i = 0; i < Math.min(names.size(), from.length); i++) {
            double to = i + 1 < from.length ? from[i + 1] : end;
            if (!Double.isNaN(to) && to > from[i]) {
                bands.add(new SvgChart.Band(String.valueOf(names.get(i)), from[i], to));
            }
        }
        return bands;
    }

    /**
     * {x, y} with a gap (a point whose y is NaN) before the first sample of each launch and wherever
     * more than two seconds of samples are missing (the app was down).
     */
    static double[][] broken(double[] t, double[] values, double[] launches) {
        List<double[]> points = new ArrayList<>();
        int next = 0;
        int n = Math.min(t.length, values.length);
        for (int i = 0; i < n; i++) {
            // A point is the highest sample of its whole second: a launch at 6.4 s begins at the point of second 6
            // (or a second point of second 6, when the app stopped then started within it).
            boolean relaunched = i > 0 && t[i] == t[i - 1];
            while (next < launches.length && Math.floor(launches[next]) <= t[i]) {
                relaunched |= i > 0 && Math.floor(launches[next]) > t[i - 1];
                next++;
            }
            if (i > 0 && (relaunched || t[i] - t[i - 1] > 2)) {
                points.add(new double[] { t[i], Double.NaN });
            }
            points.add(new double[] { t[i], values[i] });
        }
        return new double[][] { points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray() };
    }

    private static double[] midpoints(double[] t) {
        double[] m = new double[Math.max(0, t.length - 1)];
        for (int i = 1; i < t.length; i++) {
            m[i - 1] = (t[i - 1] + t[i]) / 2;
        }
        return m;
    }

    private static double[] rates(double[] t, double[] counts) {
        double[] r = new double[Math.max(0, Math.min(t.length, counts.length) - 1)];
        for (int i = 1; i <= r.length; i++) {
            r[i - 1] = t[i] > t[i - 1] ? (counts[i] - counts[i - 1]) / (t[i] - t[i - 1]) : Double.NaN;
        }
        return r;
    }

    private static double[] atLeast(double[] values, double floor) {
        double[] r = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = Math.max(floor, values[i]);
        }
        return r;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double[] numbers(Object list) {
        if (!(list instanceof List<?> l)) {
            return new double[0];
        }
        return l.stream().mapToDouble(BenchCharts::number).toArray();
    }

    private static List<Map<String, Object>> maps(Object list) {
        if (!(list instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().filter(o -> o instanceof Map<?, ?>).map(o -> cast((Map<?, ?>) o)).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
