package com.example.profiles.devtools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import org.HdrHistogram.Histogram;

/**
 * The time series behind the run's charts ({@link BenchCharts}), kept beside the aggregates of
 * results.json and written to series.json: when each phase began, the app's resident memory (the
 * highest 200 ms sample of each second), the Kafka outcomes counted every second of a drain, the
 * freshness lag of each lag step per second, and each rebuild run's marks with the live path's lag
 * per second beside it. Times are seconds since the driver started.
 * Bounded: one point a second for memory and drains, one per second of each lag step.
 */
final class BenchSeries {

    private final long startNanos = System.nanoTime();
    private final long startEpochMillis = System.currentTimeMillis();
    private final List<String> phaseNames = new ArrayList<>();
    private final List<Double> phaseFrom = new ArrayList<>();
    private final List<Double> launches = new ArrayList<>();
    private final List<Long> rssSecond = new ArrayList<>();
    private final List<Double> rssMb = new ArrayList<>();
    private final List<Double> rssAnonMb = new ArrayList<>();
    private final List<Map<String, Object>> drains = new ArrayList<>();
    private final List<Map<String, Object>> kafkaLag = new ArrayList<>();
    private final List<Map<String, Object>> rebuilds = new ArrayList<>();
    /** The second being sampled now and its highest readings so far (kB), -1 before the first sample. */
    private long second = -1;
    private long secondRssKb;
    private long secondAnonKb;

    /** Seconds since the driver started. */
    double now() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** An epoch time (ms) as seconds since the driver started. */
    double runSeconds(long epochMillis) {
        return (epochMillis - startEpochMillis) / 1000.0;
    }

    void phase(String name) {
        phase(name, now());
    }

    synchronized void phase(String name, double at) {
        phaseNames.add(name);
        phaseFrom.add(round1(at));
    }

    /** The app was launched: its memory series starts again (the chart breaks its line here). */
    void launch() {
        launch(now());
    }

    synchronized void launch(double at) {
        flushSecond();
        launches.add(round1(at));
    }

    /** One reading of the app's VmRSS and RssAnon (kB); the highest of each second is kept. */
    void rss(long rssKb, long anonKb) {
        rss(now(), rssKb, anonKb);
    }

    synchronized void rss(double at, long rssKb, long anonKb) {
        long s = (long) at;
        if (s != second) {
            flushSecond();
            second = s;
        }
        secondRssKb = Math.max(secondRssKb, rssKb);
        secondAnonKb = Math.max(secondAnonKb, anonKb);
    }

    private void flushSecond() {
        if (second >= 0 && secondRssKb > 0) {
            rssSecond.add(second);
            rssMb.add(round1(secondRssKb / 1024.0));
            rssAnonMb.add(round1(secondAnonKb / 1024.0));
        }
        second = -1;
        secondRssKb = 0;
        secondAnonKb = 0;
    }

    /**
     * A drain's samples: {seconds since it began, outcomes counted since it began, applied outcomes
     * (the app's counter)}, the first taken as it began.
     */
    synchronized void drain(String phase, double fromSeconds, List<double[]> samples) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("phase", phase);
        d.put("from", round1(fromSeconds));
        d.put("t", samples.stream().map(s -> Report.round(s[0])).toList());
        d.put("processed", samples.stream().map(s -> (long) s[1]).toList());
        d.put("applied", samples.stream().map(s -> (long) s[2]).toList());
        drains.add(d);
    }

    /** A lag step's probes by the second (since the driver started) their events were stamped in: count, p50, p99 (ms). */
    synchronized void lagStep(int offeredPerSecond, SortedMap<Long, Histogram> bySecond) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("offeredPerSecond", offeredPerSecond);
        step.put("bucketSeconds", 1);
        step.put("t", List.copyOf(bySecond.keySet()));
        step.put("probes", bySecond.values().stream().map(Histogram::getTotalCount).toList());
        step.put("p50", bySecond.values().stream().map(h -> h.getValueAtPercentile(50)).toList());
        step.put("p99", bySecond.values().stream().map(h -> h.getValueAtPercentile(99)).toList());
        kafkaLag.add(step);
    }

    /**
     * One rebuild run ({@link RebuildScenario}): when it was launched, switched and exited (seconds
     * since the driver started), and the live path's probes by the second, alone before it and
     * during it (count, p50, p99 in ms).
     */
    synchronized void rebuild(String label, Map<String, Double> marks, SortedMap<Long, Histogram> alone, SortedMap<Long, Histogram> during) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("label", label);
        marks.forEach((name, at) -> run.put(name, at == null ? null : round1(at)));
        run.put("liveAlone", bySecond(alone));
        run.put("liveDuring", bySecond(during));
        rebuilds.add(run);
    }

    private static Map<String, Object> bySecond(SortedMap<Long, Histogram> histograms) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t", List.copyOf(histograms.keySet()));
        m.put("probes", histograms.values().stream().map(Histogram::getTotalCount).toList());
        m.put("p50", histograms.values().stream().map(h -> h.getValueAtPercentile(50)).toList());
        m.put("p99", histograms.values().stream().map(h -> h.getValueAtPercentile(99)).toList());
        return m;
    }

    /** What series.json holds; the series as plain maps, lists and numbers, the form {@link BenchCharts} reads. */
    Map<String, Object> toMap() {
        return toMap(now());
    }

    synchronized Map<String, Object> toMap(double end) {
        flushSecond();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seconds", round1(end));
        Map<String, Object> phases = new LinkedHashMap<>();
        phases.put("name", List.copyOf(phaseNames));
        phases.put("from", List.copyOf(phaseFrom));
        m.put("phases", phases);
        m.put("launches", List.copyOf(launches));
        Map<String, Object> rss = new LinkedHashMap<>();
        rss.put("t", List.copyOf(rssSecond));
        rss.put("rssMb", List.copyOf(rssMb));
        rss.put("rssAnonMb", List.copyOf(rssAnonMb));
        m.put("rss", rss);
        m.put("drains", List.copyOf(drains));
        m.put("kafkaLag", List.copyOf(kafkaLag));
        m.put("rebuilds", List.copyOf(rebuilds));
        return m;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
