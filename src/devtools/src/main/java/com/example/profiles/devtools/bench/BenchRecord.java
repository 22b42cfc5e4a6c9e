package com.example.profiles.devtools.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark run has found so far: the figures for results.json, the lines for summary.txt
 * (each also printed as it is said), the phase running now, under which the app's resident
 * memory is filed, and the time series for the charts ({@link BenchSeries}). Written out by {@link Report}.
 */
final class BenchRecord {

    final Path out;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String> log = new ArrayList<>();
    final BenchSeries series = new BenchSeries();
    private volatile String phase = "start";

    BenchRecord(Path out) {
        this.out = out;
    }

    void put(String key, Object value) {
        results.put(key, value);
    }

    /** The machine's description in the results, which the app's launches add to. */
    @SuppressWarnings("unchecked")
    Map<String, Object> machine() {
        return (Map<String, Object>) results.computeIfAbsent("machine", k -> new LinkedHashMap<String, Object>());
    }

    void phase(String name) {
        phase = name;
        series.phase(name);
    }

    String phase() {
        return phase;
    }

    /** A line for the summary, printed now with the time of day. */
    void say(String format, Object... args) {
        String line = String.format(format, args);
        synchronized (log) {
            log.add(line);
        }
        System.out.printf("[bench %s] %s%n", Instant.now().toString().substring(11, 19), line);
        System.out.flush();
    }

    /** results.json, summary.txt, lag-vs-load.png, series.json and the SVG charts in the output folder. */
    void write() throws Exception {
        Report.write(out, results, log, series.toMap());
    }
}
