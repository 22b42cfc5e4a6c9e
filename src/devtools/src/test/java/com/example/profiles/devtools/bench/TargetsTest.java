package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.example.profiles.devtools.ProjectRoot;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The summary's figures against this round's targets, each a ratio to a reference of the same
 * run, and the comparison with a previous run: fed round three's recorded results.json with the
 * reference keys a run now writes added by hand, so no server is needed.
 */
class TargetsTest {

    private static final String RECORDED_RUN = "bench/results/round3/start";

    @Test
    void eachRatioTargetIsJudgedAgainstItsReference() throws Exception {
        Map<String, Object> results = recordedRun();
        startReference(results, 1000, 3200);
        scriptFloor(results, 50, 40);
        double http99 = number(step(results, "http", 1000), "latencyMillis", "p99");
        reference(step(results, "http", 1000), "trivialRouteMillis", http99 / 2);
        double read99 = number(map(results, "reads"), "latencyMillis", "p99");
        reference(map(results, "reads"), "trivialRouteMillis", read99 / 4);
        reference(step(results, "kafkaLag", 5000), "redisPingMillis", 1.2);

        Map<String, Targets.Figure> figures = byId(Targets.figures(results));

        assertThat(figures.get("startRatio").verdict()).isEqualTo(Targets.Verdict.MET);
        assertThat(figures.get("startRatio").value().doubleValue()).isEqualTo(Report.round(1000 / 3200.0));
        assertThat(figures.get("startRatio").note()).isEqualTo("1000 / 3200 ms");
        assertThat(figures.get("startAppMillis").value().longValue()).isEqualTo(1000);
        assertThat(figures.get("startAppMillis").name()).contains("median of 3 starts");
        assertThat(figures.get("startReferenceMillis").value().longValue()).isEqualTo(3200);
        assertThat(figures.get("scriptFloorRatio").verdict()).isEqualTo(Targets.Verdict.MET);
        assertThat(figures.get("scriptFloorRatio").value().doubleValue()).isEqualTo(1.25);
        assertThat(figures.get("httpP99Ratio").verdict()).isEqualTo(Targets.Verdict.MET);
        assertThat(figures.get("httpP99Ratio").value().doubleValue()).isEqualTo(2.0);
        assertThat(figures.get("readP99Ratio").verdict()).isEqualTo(Targets.Verdict.NOT_MET);
        assertThat(figures.get("readP99Ratio").value().doubleValue()).isEqualTo(4.0);
        double lag99 = number(step(results, "kafkaLag", 5000), "lagMillis", "p99");
        assertThat(figures.get("kafkaLagP99At5000").value().doubleValue()).isEqualTo(lag99);
        assertThat(figures.get("kafkaLagP99At5000").verdict()).isEqualTo(lag99 <= 20 ? Targets.Verdict.MET : Targets.Verdict.NOT_MET);
        assertThat(figures.get("kafkaLagP99At5000").note()).contains("1.2 ms");

        // The drain's ratio as the recorded run gives it: against the mean of the runs before and after.
        double before = number(results, "limits", "redis", "mixPipelinedPerSecond");
        double after = number(results, "limits", "redisAfterDrain", "mixPipelinedPerSecond");
        double sustained = number(results, "kafkaSaturation", "sustainedPerSecond");
        double drainRatio = Report.round(sustained / Math.round((before + after) / 2));
        assertThat(figures.get("drainRatio").value().doubleValue()).isEqualTo(drainRatio);
        assertThat(figures.get("drainRatio").verdict()).isEqualTo(drainRatio >= 0.75 ? Targets.Verdict.MET : Targets.Verdict.NOT_MET);
        assertThat(figures.get("drainPerSecond").value().doubleValue()).isEqualTo(sustained);
        assertThat(figures.get("drainPerSecond").verdict()).as("information, not judged").isNull();
        assertThat(figures.get("evalshaUsecPerEvent").value().doubleValue())
                .isEqualTo(number(results, "kafkaSaturation", "redisCommands", "evalsha", "usecPerEvent"));
    }

    @Test
    void aRatioBeyondItsTargetIsNotMetAndAFastEnoughDrainIsMet() throws Exception {
        Map<String, Object> results = recordedRun();
        startReference(results, 1600, 3200);
        scriptFloor(results, 60, 40);
        double before = number(results, "limits", "redis", "mixPipelinedPerSecond");
        double after = number(results, "limits", "redisAfterDrain", "mixPipelinedPerSecond");
        map(results, "kafkaSaturation").put("sustainedPerSecond", Math.round(0.8 * (before + after) / 2));

        Map<String, Targets.Figure> figures = byId(Targets.figures(results));

        assertThat(figures.get("startRatio").verdict()).isEqualTo(Targets.Verdict.NOT_MET);
        assertThat(figures.get("startRatio").value().doubleValue()).isEqualTo(0.5);
        assertThat(figures.get("scriptFloorRatio").verdict()).isEqualTo(Targets.Verdict.NOT_MET);
        assertThat(figures.get("scriptFloorRatio").value().doubleValue()).isEqualTo(1.5);
        assertThat(figures.get("drainRatio").verdict()).isEqualTo(Targets.Verdict.MET);
        assertThat(figures.get("drainRatio").value().doubleValue()).isEqualTo(0.8, within(0.01));
    }

    @Test
    void aMissingReferenceIsNotMeasuredWithItsReason() throws Exception {
        Map<String, Object> results = recordedRun();

        Map<String, Targets.Figure> figures = byId(Targets.figures(results));

        assertThat(figures.get("startRatio").verdict()).isEqualTo(Targets.Verdict.NOT_MEASURED);
        assertThat(figures.get("startRatio").note()).isEqualTo("no start-up reference in this run");
        assertThat(figures.get("scriptFloorRatio").note()).isEqualTo("no script floor in this run");
        assertThat(figures.get("httpP99Ratio").note()).isEqualTo("no trivial-route reference in this run");
        assertThat(figures.get("readP99Ratio").note()).isEqualTo("no trivial-route reference in this run");
        assertThat(List.of("startRatio", "scriptFloorRatio", "httpP99Ratio", "readP99Ratio")).allSatisfy(id -> {
            assertThat(figures.get(id).verdict()).isEqualTo(Targets.Verdict.NOT_MEASURED);
            assertThat(figures.get(id).value()).isNull();
            assertThat(figures.get(id).met()).isNull();
        });
        // The lag was measured, its qualifying reference was not.
        assertThat(figures.get("kafkaLagP99At5000").verdict()).isEqualTo(Targets.Verdict.NOT_MEASURED);
        assertThat(figures.get("kafkaLagP99At5000").value()).isNotNull();
        assertThat(figures.get("kafkaLagP99At5000").note()).isEqualTo("no Redis PING reference at this step in this run");
        assertThat(figures).as("information this run did not measure is left out").doesNotContainKeys("startAppMillis", "startReferenceMillis");

        List<String> lines = Report.summary(results, PreviousRun.find(Path.of("/nonexistent"), null));
        assertThat(lines).anyMatch(l -> l.startsWith("  [NOT MEASURED] HTTP request latency p99 at 1,000 events/s / the trivial route's p99")
                && l.contains("no trivial-route reference in this run (target <= 3)"));
        assertThat(lines).anyMatch(l -> l.startsWith("  [NOT MEASURED] start-up") && l.contains("no start-up reference in this run"));
    }

    @Test
    void theLagTargetIsJudgedOnlyOnAMachineWhoseOwnRedisRoundTripQualifies() throws Exception {
        Map<String, Object> results = recordedRun();
        reference(step(results, "kafkaLag", 5000), "redisPingMillis", 2.5);

        Targets.Figure slowMachine = byId(Targets.figures(results)).get("kafkaLagP99At5000");

        assertThat(slowMachine.verdict()).isEqualTo(Targets.Verdict.NOT_JUDGED);
        assertThat(slowMachine.met()).isNull();
        assertThat(slowMachine.value().doubleValue()).isEqualTo(number(step(results, "kafkaLag", 5000), "lagMillis", "p99"));
        assertThat(slowMachine.note()).contains("does not qualify").contains("2.5 ms");

        step(results, "kafkaLag", 5000).put("lagMillis", Map.of("p99", 25.0));
        reference(step(results, "kafkaLag", 5000), "redisPingMillis", 0.8);
        assertThat(byId(Targets.figures(results)).get("kafkaLagP99At5000").verdict()).isEqualTo(Targets.Verdict.NOT_MET);

        results.put("kafkaLag", List.of());
        Targets.Figure noStep = byId(Targets.figures(results)).get("kafkaLagP99At5000");
        assertThat(noStep.verdict()).isEqualTo(Targets.Verdict.NOT_MEASURED);
        assertThat(noStep.note()).isEqualTo("no Kafka step at 5,000 events/s in this run");
    }

    @Test
    void residentMemoryIsTheMaximumOverTheLoadPhasesOnly() throws Exception {
        Map<String, Object> results = recordedRun();
        results.put("maxRssMbByPhase", Map.of("startup", 400, "cold-start", 390, "kafka-1000", 240, "http-1000", 250, "rebuild-at-2000", 500));

        Targets.Figure rss = byId(Targets.figures(results)).get("rssUnderLoadMb");

        assertThat(rss.value().longValue()).as("start-ups and the rebuild left out").isEqualTo(250);
        assertThat(rss.verdict()).isEqualTo(Targets.Verdict.MET);

        results.put("maxRssMbByPhase", Map.of("startup", 240));
        assertThat(byId(Targets.figures(results)).get("rssUnderLoadMb").verdict()).isEqualTo(Targets.Verdict.NOT_MEASURED);
    }

    @Test
    void aFigureBeyondItsSpreadIsFlaggedMovedAndOneWithinIsNot(@TempDir Path root) throws Exception {
        Map<String, Object> previous = recordedRun();
        writeRun(root, "runs/previous", previous);
        writeRecorded(root, "runs/previous", Map.of("drainPerSecond", 0.1, "rssUnderLoadMb", 0.05));
        double sustained = number(previous, "kafkaSaturation", "sustainedPerSecond");
        double rss = byId(Targets.figures(previous)).get("rssUnderLoadMb").value().doubleValue();

        Map<String, Object> slower = recordedRun();
        map(slower, "kafkaSaturation").put("sustainedPerSecond", Math.round(sustained * 0.8));
        slower.put("maxRssMbByPhase", Map.of("kafka-saturation", Math.round(rss * 1.03)));
        Map<String, Object> inTheNoise = recordedRun();
        map(inTheNoise, "kafkaSaturation").put("sustainedPerSecond", Math.round(sustained * 1.05));

        PreviousRun run = PreviousRun.find(root, null);
        List<String> slowerLines = Report.summary(slower, run);
        List<String> noiseLines = Report.summary(inTheNoise, run);

        assertThat(run.present()).isTrue();
        assertThat(line(slowerLines, "Kafka path sustained events/s")).contains("previous: " + (long) sustained + " (-20.0%; spread 10%: MOVED)");
        assertThat(line(slowerLines, "RSS under load")).contains("(+3.0%; spread 5%)").doesNotContain("MOVED");
        assertThat(slowerLines.get(slowerLines.size() - 1)).startsWith("  MOVED further than the recorded spread: drainPerSecond -20%");
        Map<String, Object> drain = map(map(slower, "targets"), "drainPerSecond");
        assertThat(drain.get("moved")).isEqualTo(true);
        assertThat(((Number) drain.get("change")).doubleValue()).isEqualTo(-0.2, within(0.001));
        assertThat(((Number) drain.get("previous")).doubleValue()).isEqualTo(sustained);
        assertThat(drain.get("spread")).isEqualTo(0.1);

        assertThat(line(noiseLines, "Kafka path sustained events/s")).contains("(+5.0%; spread 10%)").doesNotContain("MOVED");
        assertThat(((Map<?, ?>) map(inTheNoise, "targets").get("drainPerSecond")).get("moved")).isEqualTo(false);
        assertThat(noiseLines.get(noiseLines.size() - 1)).isEqualTo("  nothing moved further than its recorded spread");
        // No spread recorded for the drain's ratio: its change is shown, never flagged.
        assertThat(line(slowerLines, "Kafka path sustained / redis-benchmark")).contains("no spread recorded").doesNotContain("MOVED");
        assertThat(((Map<?, ?>) map(slower, "targets").get("drainRatio")).get("moved")).isEqualTo(false);
        assertThat(slower.get("previousRun")).isEqualTo("runs/previous");
    }

    @Test
    void anotherFolderCanBeComparedAndNoRecordedRunIsNoFailure(@TempDir Path root) throws Exception {
        Map<String, Object> other = recordedRun();
        map(other, "kafkaSaturation").put("sustainedPerSecond", 10_000);
        writeRun(root, "runs/recorded", recordedRun());
        writeRun(root, "runs/other", other);

        PreviousRun none = PreviousRun.find(root, null);
        Map<String, Object> results = recordedRun();
        List<String> lines = Report.summary(results, none);

        assertThat(none.present()).isFalse();
        assertThat(lines.get(1)).isEqualTo("  no recorded run to compare (no " + PreviousRun.RECORDED + ")");
        assertThat(lines).noneMatch(l -> l.contains("previous:"));
        assertThat(((Map<?, ?>) map(results, "targets").get("drainPerSecond")).get("previous")).isNull();

        writeRecorded(root, "runs/recorded", Map.of("drainPerSecond", 0.1));
        PreviousRun compared = PreviousRun.find(root, "runs/other");
        List<String> againstOther = Report.summary(recordedRun(), compared);
        assertThat(compared.folder).isEqualTo("runs/other");
        assertThat(line(againstOther, "Kafka path sustained events/s")).contains("previous: 10000 (").contains("MOVED");

        assertThat(PreviousRun.find(root, "runs/missing").absent).isEqualTo("no recorded run to compare (no results.json in runs/missing)");
        Files.writeString(root.resolve(PreviousRun.RECORDED), "{ not json");
        assertThat(PreviousRun.find(root, null).absent).startsWith("no recorded run to compare (" + PreviousRun.RECORDED + " unreadable");
    }

    @Test
    void theSummaryRecordsEveryFigureByItsIdAndSaysTheMachine() throws Exception {
        Map<String, Object> results = recordedRun();

        List<String> lines = Report.summary(results, PreviousRun.find(ProjectRoot.path(), null));

        assertThat(lines.get(0)).startsWith("==== figures against targets (" + number(results, "machine", "nproc").intValue() + "-core machine");
        Map<String, Object> targets = map(results, "targets");
        List<Targets.Figure> figures = Targets.figures(results);
        assertThat(targets.keySet()).containsExactlyElementsOf(figures.stream().map(Targets.Figure::id).toList());
        assertThat(targets.values()).allSatisfy(t -> assertThat(((Map<?, ?>) t).keySet().stream().map(String::valueOf).toList())
                .contains("name", "value", "target", "met", "previous", "change", "moved"));
        Map<String, Object> rss = map(targets, "rssUnderLoadMb");
        assertThat(rss.get("target")).isEqualTo("<= 256");
        assertThat(rss.get("met")).isEqualTo(((Number) rss.get("value")).doubleValue() <= 256);
        assertThat(Report.JSON.writeValueAsString(results)).as("results.json still serialises").contains("\"rssUnderLoadMb\"");
    }

    /** The checked-in recorded.json names a run that exists, and its spreads name figures the summary has. */
    @Test
    void theRecordedRunExistsAndItsSpreadsNameRealFigures() throws Exception {
        JsonNode recorded = Report.JSON.readTree(ProjectRoot.resolve(PreviousRun.RECORDED).toFile());
        Path folder = ProjectRoot.resolve(recorded.path("folder").asText());

        assertThat(folder.resolve("results.json")).isRegularFile();
        assertThat(Report.JSON.readValue(folder.resolve("results.json").toFile(), Map.class)).containsKeys("kafkaSaturation", "maxRssMbByPhase");
        PreviousRun run = PreviousRun.find(ProjectRoot.path(), null);
        assertThat(run.present()).as(String.valueOf(run.absent)).isTrue();

        // Every id a full run can give: the recorded run with each reference key added.
        Map<String, Object> full = recordedRun();
        startReference(full, 1000, 3000);
        scriptFloor(full, 50, 40);
        reference(step(full, "http", 1000), "trivialRouteMillis", 1.0);
        reference(map(full, "reads"), "trivialRouteMillis", 1.0);
        reference(step(full, "kafkaLag", 5000), "redisPingMillis", 1.0);
        Set<String> ids = byId(Targets.figures(full)).keySet();
        Set<String> spreads = new HashSet<>();
        recorded.path("spread").fields().forEachRemaining(e -> {
            spreads.add(e.getKey());
            assertThat(e.getValue().asDouble()).as(e.getKey()).isGreaterThan(0);
        });
        Set<String> explained = new HashSet<>();
        recorded.path("spreadFrom").fieldNames().forEachRemaining(explained::add);
        assertThat(ids).containsAll(spreads);
        assertThat(explained).as("each figure's spread, or why it has none, is explained").containsExactlyInAnyOrderElementsOf(ids);
    }

    // --- the recorded run and the reference keys a run now adds

    @SuppressWarnings("unchecked")
    private static Map<String, Object> recordedRun() throws Exception {
        return Report.JSON.readValue(ProjectRoot.resolve(RECORDED_RUN).resolve("results.json").toFile(), Map.class);
    }

    private static void startReference(Map<String, Object> results, long app, long reference) {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (long ms : new long[] { app - 50, app, app + 80 }) {
            runs.add(Map.of("variant", "app", "launchToFirstHttpEventAppliedMillis", ms));
        }
        for (long ms : new long[] { reference + 100, reference - 30, reference }) {
            runs.add(Map.of("variant", "reference", "launchToFirstHttpEventAppliedMillis", ms));
        }
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("runs", runs);
        start.put("referenceMedianMillis", reference);
        start.put("appMedianMillis", app);
        start.put("ratio", (double) app / reference);
        results.put("startReference", start);
    }

    private static void scriptFloor(Map<String, Object> results, double scripts, double floor) {
        map(results, "limits").put("scriptFloor", Map.of("scriptsUsecPerEvent", scripts, "floorUsecPerEvent", floor, "ratio", scripts / floor, "rounds", List.of()));
    }

    private static void reference(Map<String, Object> step, String key, double p99) {
        step.put("reference", Map.of(key, Map.of("p50", p99 / 2, "p99", p99)));
    }

    private static void writeRun(Path root, String folder, Map<String, Object> results) throws Exception {
        Files.createDirectories(root.resolve(folder));
        Report.JSON.writeValue(root.resolve(folder).resolve("results.json").toFile(), results);
    }

    private static void writeRecorded(Path root, String folder, Map<String, Double> spread) throws Exception {
        Files.createDirectories(root.resolve(PreviousRun.RECORDED).getParent());
        Report.JSON.writeValue(root.resolve(PreviousRun.RECORDED).toFile(), Map.of("folder", folder, "spread", spread));
    }

    private static String line(List<String> lines, String name) {
        return lines.stream().filter(l -> l.contains(name)).findFirst().orElseThrow(() -> new AssertionError("no line " + name + " in " + lines));
    }

    private static Map<String, Targets.Figure> byId(List<Targets.Figure> figures) {
        Map<String, Targets.Figure> byId = new LinkedHashMap<>();
        figures.forEach(f -> byId.put(f.id(), f));
        return byId;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> root, String key) {
        return (Map<String, Object>) root.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> step(Map<String, Object> results, String key, int rate) {
        for (Object s : (List<?>) results.get(key)) {
            if (((Map<String, Object>) s).get("offeredPerSecond") instanceof Number n && n.intValue() == rate) {
                return (Map<String, Object>) s;
            }
        }
        throw new AssertionError("no " + key + " step at " + rate);
    }

    private static Double number(Map<String, Object> root, String... keys) {
        return ((Number) Report.path(root, keys)).doubleValue();
    }
}
