package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.ProjectRoot;
import com.example.profiles.generation.GenerationState;
import com.example.profiles.generation.GenerationState.Phase;
import com.example.profiles.store.Generation;

/**
 * The rebuild job's lines as the benchmark reads them back ({@link RebuildLog}): made with the
 * format strings of the {@code printf} calls in the rebuild package's sources and the same kinds of
 * arguments (the pointer's own {@link GenerationState}, sorted maps), so a change of the job's
 * wording fails here rather than leaving the benchmark's figures empty; and lines a real job wrote.
 */
class RebuildLogTest {

    private static final String PURCHASES = "commerce.purchase.completed.v1";
    private static final String CARTS = "commerce.cart.changed.v1";
    private static final String CUSTOMERS = "shop.public.customers";

    /** The format of the printf call in the rebuild's package whose format begins with {@code start}. */
    static String format(String start) throws IOException {
        StringBuilder source = new StringBuilder();
        try (var files = Files.list(ProjectRoot.resolve("src/core/src/main/java/com/example/profiles/rebuild"))) {
            for (var file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                source.append(Files.readString(file));
            }
        }
        Matcher printf = Pattern.compile("out\\.printf\\(\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(source);
        List<String> formats = new ArrayList<>();
        while (printf.find()) {
            formats.add(printf.group(1).replace("\\\"", "\""));
        }
        List<String> matching = formats.stream().filter(f -> f.startsWith(start)).toList();
        assertThat(matching).as("the rebuild's printf formats starting with '%s' among %s", start, formats).hasSize(1);
        return matching.get(0);
    }

    @Test
    void progressLinesGiveThePhaseTheRecordsReadTheRateAndTheOutcomes() throws Exception {
        String progress = format("rebuild: %s: %d read");
        Map<String, Long> byTopic = new TreeMap<>(Map.of(PURCHASES, 18_000L, CARTS, 30_000L, CUSTOMERS, 13_234L));
        Map<String, Long> behind = new TreeMap<>(Map.of(CARTS + "-0", 600L, CUSTOMERS + "-0", 270L));
        Map<String, Long> outcomes = new TreeMap<>(Map.of("applied", 58_000L, "duplicate", 3_000L, "stale", 234L));
        String building = String.format(progress, Phase.BUILDING, 61_234L, byTopic, 2001.4, 870L, "0 s", " " + behind, outcomes);
        String switched = String.format(progress, Phase.SWITCHED, 70_000L, byTopic, 1999.6, 0L, "0 s", "", outcomes);
        String first = String.format(progress, Phase.BUILDING, 0L, Map.of(), 0.0, 60_000L, "unknown", " {" + CARTS + "-0=60000}", Map.of());

        RebuildLog log = RebuildLog.parse(List.of(first, building, switched));

        assertThat(log.progress()).hasSize(3);
        RebuildLog.Progress p = log.progress().get(1);
        assertThat(p.phase()).isEqualTo("BUILDING");
        assertThat(p.read()).isEqualTo(61_234);
        assertThat(p.readByTopic()).isEqualTo(byTopic);
        assertThat(p.perSecond()).isEqualTo(2001);
        assertThat(p.left()).isEqualTo(870);
        assertThat(p.outcomes()).isEqualTo(outcomes);
        assertThat(p.seconds()).isCloseTo(61_234 / 2001.0, within(1e-9));
        assertThat(log.progress().get(2).phase()).isEqualTo("SWITCHED");
        assertThat(log.progress().get(2).left()).isZero();
        assertThat(log.progress().get(0).readByTopic()).isEmpty();
        assertThat(log.progress().get(0).seconds()).as("before its first records the job's clock is not known").isNegative();
    }

    @Test
    void theStepsTheRecordsNoLongerRetainedAndTheLastLine() throws Exception {
        GenerationState dual = new GenerationState(new Generation(0), new Generation(1), Phase.DUAL, 2);
        GenerationState idle = new GenerationState(new Generation(1), null, Phase.IDLE, 4);
        Map<String, Long> outcomes = new TreeMap<>(Map.of("applied", 70_100L, "duplicate", 3_400L, "invalid", 1L));
        List<String> lines = List.of(
                String.format(format("rebuild: %s into %s"), new GenerationState(new Generation(0), new Generation(1), Phase.BUILDING, 1),
                        new Generation(1), List.of(PURCHASES, CARTS, CUSTOMERS)),
                String.format(format("rebuild: %s no longer retains"), new TopicPartition(CARTS, 0), 1_234_567L),
                String.format(format("rebuild: %s, every instance acts on it"), dual),
                "2026-12-07 11:20:01,123 INFO  [com.exa.pro.gen.GenerationSwitch] (profile-rebuild) rebuild: not a line of the job's own",
                String.format(format("rebuild: done"), idle, 73_501L, outcomes));

        RebuildLog log = RebuildLog.parse(lines);

        assertThat(log.steps()).containsExactly(dual.toString());
        assertThat(log.notRetained()).containsExactly(Map.entry(CARTS + "-0", 1_234_567L));
        assertThat(log.done()).isEqualTo(new RebuildLog.Done(idle.toString(), 73_501, outcomes));
        assertThat(log.progress()).isEmpty();
    }

    @Test
    void theRateWhileBuildingIsTheSlopeBetweenBuildingLinesOnTheJobsClock() throws Exception {
        String progress = format("rebuild: %s: %d read");
        Map<String, Long> none = Map.of();
        List<String> lines = List.of(
                // 1 s in, after the first fetch: 1,000 read; 1,000 a second until 4 s in (warming
                // up), then 5,000 a second until 7 s in.
                String.format(progress, Phase.BUILDING, 1_000L, none, 1_000.0, 50_000L, "50 s", "", none),
                String.format(progress, Phase.BUILDING, 4_000L, none, 1_000.0, 47_000L, "47 s", "", none),
                String.format(progress, Phase.BUILDING, 19_000L, none, 19_000 / 7.0, 500L, "0 s", "", none),
                String.format(progress, Phase.DUAL, 20_000L, none, 2_500.0, 0L, "0 s", "", none));

        RebuildLog log = RebuildLog.parse(lines);

        assertThat(log.buildingPerSecond()).isCloseTo(3_000, within(5.0));
        assertThat(log.buildingPerSecond(3)).as("over the last 3 s").isCloseTo(5_000, within(10.0));
        assertThat(log.lastBuildingPerSecond()).isEqualTo(2_714);
        assertThat(RebuildLog.parse(lines.subList(0, 1)).buildingPerSecond()).as("one line gives no slope").isNull();
    }

    /** Lines of a real job's log (the benchmark's unthrottled rebuild, Java 17, 2 cores), Quarkus's own lines among them. */
    @Test
    void linesARealJobWrote() {
        String written = """
                rebuild: generation 1, generation 2 BUILDING (version 5) into generation 2, from the topics [commerce.cart.changed.v1, shop.public.customers, commerce.purchase.completed.v1]
                rebuild: 0 erased shoppers from the erasure ledger start generation 2 erased (0 of them already did)
                rebuild: commerce.purchase.completed.v1-0 no longer retains its first 27070 records: what they held cannot be rebuilt
                rebuild: commerce.cart.changed.v1-0 no longer retains its first 45409 records: what they held cannot be rebuilt
                rebuild: shop.public.customers-0 no longer retains its first 17936 records: what they held cannot be rebuilt
                rebuild: BUILDING: 500 read {commerce.purchase.completed.v1=500}, 206/s, 65717 left (about 320 s) {commerce.cart.changed.v1-0=33197, commerce.purchase.completed.v1-0=19340, shop.public.customers-0=13180}: {applied=497, duplicate=3}
                rebuild: BUILDING: 84000 read {commerce.cart.changed.v1=39521, commerce.purchase.completed.v1=26770, shop.public.customers=17709}, 3301/s, 5227 left (about 2 s) {commerce.cart.changed.v1-0=5073, commerce.purchase.completed.v1-0=31, shop.public.customers-0=123}: {applied=79955, duplicate=4045}
                rebuild: BUILDING: 89256 read {commerce.cart.changed.v1=44534, commerce.purchase.completed.v1=26922, shop.public.customers=17800}, 3369/s, 1021 left (about 0 s) {commerce.cart.changed.v1-0=597, commerce.purchase.completed.v1-0=182, shop.public.customers-0=242}: {applied=84950, duplicate=4306}
                2026-12-07 11:17:22,472 INFO  [com.example.profiles.generation.GenerationSwitch] (profile-rebuild) Generation pointer: generation 1, generation 2 BUILDING (version 5) -> generation 1, generation 2 DUAL (version 6)
                rebuild: generation 1, generation 2 DUAL (version 6), every instance acts on it
                rebuild: DUAL: 90151 read {commerce.cart.changed.v1=45128, commerce.purchase.completed.v1=27107, shop.public.customers=17916}, 3250/s, 1373 left (about 0 s) {commerce.cart.changed.v1-0=624, commerce.purchase.completed.v1-0=400, shop.public.customers-0=349}: {applied=85800, duplicate=4351}
                rebuild: generation 1, generation 2 SWITCHED (version 7), every instance acts on it
                rebuild: SWITCHED: 97425 read {commerce.cart.changed.v1=48732, commerce.purchase.completed.v1=29280, shop.public.customers=19413}, 2895/s, 18 left (about 0 s): {applied=86659, duplicate=10766}
                rebuild: generation 2 (version 8), every instance acts on it
                rebuild: done, generation 2 (version 8); 97425 records read, {applied=86659, duplicate=10766}
                2026-12-07 11:17:30,665 INFO  [io.quarkus] (main) profile-functions stopped in 0.072s
                """;

        RebuildLog log = RebuildLog.parse(written.lines().toList());

        assertThat(log.progress()).extracting(RebuildLog.Progress::phase).containsExactly("BUILDING", "BUILDING", "BUILDING", "DUAL", "SWITCHED");
        assertThat(log.progress().get(4).readByTopic()).containsExactly(Map.entry(CARTS, 48_732L), Map.entry(PURCHASES, 29_280L),
                Map.entry(CUSTOMERS, 19_413L));
        assertThat(log.notRetained()).containsExactly(Map.entry(PURCHASES + "-0", 27_070L), Map.entry(CARTS + "-0", 45_409L),
                Map.entry(CUSTOMERS + "-0", 17_936L));
        assertThat(log.steps()).containsExactly("generation 1, generation 2 DUAL (version 6)", "generation 1, generation 2 SWITCHED (version 7)",
                "generation 2 (version 8)");
        assertThat(log.done()).isEqualTo(new RebuildLog.Done("generation 2 (version 8)", 97_425, Map.of("applied", 86_659L, "duplicate", 10_766L)));
        // From 500 read at 500/206 s to 89,256 at 89,256/3,369 s; the last 1 s from the line at 84,000
        // (at 25.45 s on the job's clock, 1.05 s before the last); no line 5 s before the last: from the first.
        assertThat(log.buildingPerSecond()).isCloseTo((89_256 - 500) / (89_256 / 3_369.0 - 500 / 206.0), within(0.01));
        assertThat(log.buildingPerSecond(1)).isCloseTo((89_256 - 84_000) / (89_256 / 3_369.0 - 84_000 / 3_301.0), within(0.01));
        assertThat(log.buildingPerSecond(5)).isEqualTo(log.buildingPerSecond());
        assertThat(log.lastBuildingPerSecond()).isEqualTo(3_369);
    }
}
