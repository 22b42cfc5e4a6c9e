package com.example.profiles.devtools.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The run a new run is compared with: by default the recorded run named in
 * {@code bench/results/recorded.json} (relative to the repository root), or any results folder
 * given as {@code -Dbench.compare-to=<folder>}. Its figures are taken from its results.json by
 * {@link Targets}, as this run's are, so a run recorded before a figure had an id compares too.
 * The spreads in recorded.json say how far each figure moved between repeat runs of the same
 * code: a figure that moves further is flagged MOVED; one without a recorded spread is never
 * flagged.
 */
final class PreviousRun {

    static final String RECORDED = "bench/results/recorded.json";
    static final String COMPARE_TO = "bench.compare-to";

    /** How a figure stands against the previous run's. */
    record Change(Number previous, Double change, Double spread, boolean moved) {
    }

    /** The folder compared with, as named (null when there is none). */
    final String folder;
    /** Why nothing is compared, when nothing is. */
    final String absent;
    private final Map<String, Number> previous;
    private final Map<String, Double> spread;

    private PreviousRun(String folder, String absent, Map<String, Number> previous, Map<String, Double> spread) {
        this.folder = folder;
        this.absent = absent;
        this.previous = previous;
        this.spread = spread;
    }

    /** The run to compare with from the repository at {@code root}, honouring {@code -Dbench.compare-to}; never throws. */
    static PreviousRun find(Path root) {
        return find(root, System.getProperty(COMPARE_TO));
    }

    @SuppressWarnings("unchecked")
    static PreviousRun find(Path root, String compareTo) {
        Path recordedFile = root.resolve(RECORDED);
        Map<String, Double> spread = new LinkedHashMap<>();
        String folder = compareTo == null || compareTo.isBlank() ? null : compareTo;
        try {
            if (Files.exists(recordedFile)) {
                JsonNode recorded = Report.JSON.readTree(recordedFile.toFile());
                recorded.path("spread").fields().forEachRemaining(e -> spread.put(e.getKey(), e.getValue().asDouble()));
                if (folder == null) {
                    folder = recorded.path("folder").asText(null);
                }
            }
        } catch (Exception e) {
            return new PreviousRun(null, "no recorded run to compare (" + RECORDED + " unreadable: " + e.getMessage() + ")", Map.of(), Map.of());
        }
        if (folder == null) {
            return new PreviousRun(null, "no recorded run to compare (no " + RECORDED + ")", Map.of(), Map.of());
        }
        Path results = root.resolve(folder).resolve("results.json");
        if (!Files.exists(results)) {
            return new PreviousRun(null, "no recorded run to compare (no results.json in " + folder + ")", Map.of(), Map.of());
        }
        try {
            Map<String, Number> values = new LinkedHashMap<>();
            Map<String, Object> run = Report.JSON.readValue(results.toFile(), Map.class);
            for (Targets.Figure f : Targets.figures(run)) {
                values.put(f.id(), f.value());
            }
            return new PreviousRun(folder, null, values, spread);
        } catch (Exception e) {
            return new PreviousRun(null, "no recorded run to compare (" + folder + "/results.json unreadable: " + e.getMessage() + ")", Map.of(), Map.of());
        }
    }

    /**
     * The repository's root: {@code -Dproject.root}, else the nearest folder at or above the
     * working directory that holds bench/run.sh (bench/run.sh and Report run from the root, a
     * module's tests from its folder), else the working directory.
     */
    static Path root() {
        String property = System.getProperty("project.root");
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bench/run.sh"))) {
                return dir;
            }
        }
        return start;
    }

    boolean present() {
        return absent == null;
    }

    /** The figure against the previous run's; null when nothing is compared. */
    Change compare(Targets.Figure figure) {
        if (!present()) {
            return null;
        }
        Number before = previous.get(figure.id());
        Double change = before == null || figure.value() == null || before.doubleValue() == 0 ? null
                : (figure.value().doubleValue() - before.doubleValue()) / before.doubleValue();
        Double allowed = spread.get(figure.id());
        return new Change(before, change == null ? null : Math.round(change * 1000) / 1000.0, allowed,
                change != null && allowed != null && Math.abs(change) > allowed);
    }

    /** "previous: 16562 (-8.2%; spread 12%)", with MOVED when it moved beyond the spread. */
    static String describe(Change c) {
        if (c.previous() == null) {
            return "previous: not measured";
        }
        if (c.change() == null) {
            return "previous: " + c.previous();
        }
        String change = String.format("%+.1f%%", c.change() * 100);
        String spread = c.spread() == null ? "no spread recorded" : String.format("spread %.0f%%", c.spread() * 100);
        return "previous: " + c.previous() + " (" + change + "; " + spread + (c.moved() ? ": MOVED" : "") + ")";
    }
}
