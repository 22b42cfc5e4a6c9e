package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The benchmark's SVG charts: each drawn from a small series is well-formed XML, a self-contained
 * SVG (a fixed viewBox, no script, nothing fetched) and holds the series, labels and ticks it
 * should; and the series the driver records go through series.json and {@code Report <folder>}
 * to the same charts.
 */
class BenchChartsTest {

    @Test
    void theLagChartHasAStepPerRateOnALogScale() throws Exception {
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("seconds", 60.0);
        series.put("phases", Map.of("name", List.of("kafka-warm-up", "kafka-1000", "kafka-3000"), "from", List.of(0.0, 20.0, 42.0)));
        series.put("kafkaLag", List.of(lagStep(1000, 20, new long[] { 0, 4, 5, 6 }, new long[] { 9, 10, 12, 30 }),
                lagStep(3000, 42, new long[] { 6, 7, 8, 9 }, new long[] { 40, 45, 1200, 50 })));

        Document svg = parse(BenchCharts.lagOverTime(series));

        assertSelfContained(svg, 560);
        assertThat(texts(svg)).contains("1,000 events/s offered", "3,000 events/s offered", "p50 (solid)", "p99 (dashed)", "1,000/s", "3,000/s")
                .as("log ticks over the data: 0 is drawn at the floor, 1,200 ms under 10,000").contains("0.5", "1", "10", "100", "1,000", "10,000")
                .doesNotContain("kafka-warm-up")
                .anyMatch(t -> t.contains("log scale"));
        // Two lines a rate (p50 solid, p99 dashed), four points each.
        List<Element> paths = elements(svg, "path");
        assertThat(paths).hasSize(4);
        assertThat(paths).filteredOn(p -> p.hasAttribute("stroke-dasharray")).hasSize(2);
        assertThat(paths.get(0).getAttribute("d").split("L")).hasSize(4);
        assertThat(paths.get(0).getAttribute("stroke")).isEqualTo(paths.get(1).getAttribute("stroke")).isNotEqualTo(paths.get(2).getAttribute("stroke"));
    }

    @Test
    void theDrainChartShowsEventsPerSecondAndTheSustainedRate() throws Exception {
        Map<String, Object> drain = new LinkedHashMap<>();
        drain.put("phase", "kafka-saturation");
        drain.put("from", 30.0);
        drain.put("t", List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0));
        drain.put("processed", List.of(0, 5_000, 17_000, 29_000, 41_000, 50_001));
        drain.put("applied", List.of(0, 4_800, 16_200, 27_600, 39_000, 47_500));
        Map<String, Object> series = Map.of("drains", List.of(drain));
        Map<String, Object> results = Map.of("kafkaSaturation", Map.of("events", 50_001, "sustainedPerSecond", 12_000));

        Document svg = parse(BenchCharts.drainThroughput(series, results));

        assertSelfContained(svg, 540);
        assertThat(texts(svg)).contains("backlog drain: every outcome", "backlog drain: applied",
                "backlog drain: sustained 12,000/s (20-95% of the backlog)", "events per second", "time since the drain began (s)");
        List<Element> paths = elements(svg, "path");
        assertThat(paths).hasSize(2);
        // One point per interval between samples: five.
        assertThat(paths.get(0).getAttribute("d").split("L")).hasSize(5);
        assertThat(elements(svg, "line")).anyMatch(l -> l.hasAttribute("stroke-dasharray") && l.getAttribute("y1").equals(l.getAttribute("y2")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMemoryChartMarksThePhasesAndBreaksAtEachLaunch() throws Exception {
        BenchSeries recorder = new BenchSeries();
        recorder.phase("cold-start", 1.0);
        recorder.launch(1.2);
        for (int ms = 1200; ms < 5000; ms += 200) {
            recorder.rss(ms / 1000.0, 200_000 + ms, 150_000);
        }
        recorder.phase("startup", 6.0);
        recorder.launch(6.1);
        for (int ms = 6100; ms < 12000; ms += 200) {
            recorder.rss(ms / 1000.0, 250_000 + ms, 210_000);
        }
        recorder.phase("a <phase> & \"its\" 'label'", 9.0);
        Map<String, Object> series = recorder.toMap(12.0);

        Map<?, ?> rss = (Map<?, ?>) series.get("rss");
        assertThat((List<Object>) rss.get("t")).as("one point a second").containsExactly(1L, 2L, 3L, 4L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(((List<?>) rss.get("rssMb")).get(0)).as("the highest sample of the second, in MB")
                .isEqualTo(Math.round((200_000 + 1800) / 1024.0 * 10) / 10.0);
        Document svg = parse(BenchCharts.rssOverTime(series));

        assertSelfContained(svg, 620);
        assertThat(texts(svg)).contains("VmRSS (all resident memory)", "cold-start", "startup", "a <phase> & \"its\" 'label'", "256 MB target under load",
                "resident memory (MB)");
        // Each line drawn in two pieces, one per launch.
        List<Element> paths = elements(svg, "path");
        assertThat(paths).hasSize(2);
        assertThat(paths.get(0).getAttribute("d").split("M")).hasSize(3);
    }

    @Test
    void aRunWithoutTheSeriesDrawsNoChart() {
        assertThat(BenchCharts.render(Map.of(), Map.of())).isEmpty();
        assertThat(BenchCharts.render(new BenchSeries().toMap(1.0), Map.of())).isEmpty();
    }

    @Test
    void theRecordedSeriesGoThroughSeriesJsonToTheChartsAndReportRedrawsThem(@TempDir Path out) throws Exception {
        BenchSeries series = new BenchSeries();
        series.phase("startup", 0.5);
        series.launch(0.5);
        series.phase("kafka-saturation", 2.0);
        series.phase("kafka-1000", 10.0);
        series.phase("kafka-3000", 32.0);
        for (int ms = 600; ms < 55_000; ms += 200) {
            series.rss(ms / 1000.0, 280_000 + ms / 2, 240_000);
        }
        List<double[]> samples = new ArrayList<>();
        for (int i = 0; i <= 6; i++) {
            samples.add(new double[] { i * 1.001, Math.min(60_001, i * 11_000), Math.min(57_000, i * 10_450) });
        }
        series.drain("kafka-saturation", 2.0, samples);
        TreeMap<Long, Histogram> lag = new TreeMap<>();
        for (long s = 10; s < 30; s++) {
            Histogram h = new Histogram(3_600_000L, 3);
            for (int i = 0; i < 30; i++) {
                h.recordValue(3 + i % 5 + (i == 29 ? 20 : 0));
            }
            lag.put(s, h);
        }
        series.lagStep(1000, lag);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", new LinkedHashMap<>(Map.of("appConsumers", true)));
        results.put("kafkaSaturation", new LinkedHashMap<>(Map.of("events", 60_001, "sustainedPerSecond", 11_000)));
        results.put("kafkaLag", List.of(new LinkedHashMap<>(Map.of("offeredPerSecond", 1000, "lagMillis", Map.of("count", 600, "p50", 5, "p99", 27)))));

        Report.write(out, results, List.of("a line of the log"), series.toMap(60.0));

        assertThat(out.resolve("results.json")).exists();
        assertThat(out.resolve("lag-vs-load.png")).exists();
        Map<?, ?> written = Report.JSON.readValue(out.resolve(Report.SERIES).toFile(), Map.class);
        assertThat((List<?>) written.get("kafkaLag")).hasSize(1);
        assertThat((List<?>) written.get("drains")).hasSize(1);
        Map<String, String> drawn = new LinkedHashMap<>();
        for (String chart : List.of(BenchCharts.LAG, BenchCharts.DRAIN, BenchCharts.RSS)) {
            drawn.put(chart, Files.readString(out.resolve(chart)));
            assertSelfContained(parse(drawn.get(chart)), -1);
            Files.delete(out.resolve(chart));
        }
        assertThat(texts(parse(drawn.get(BenchCharts.LAG)))).contains("1,000 events/s offered", "1,000/s");
        assertThat(texts(parse(drawn.get(BenchCharts.DRAIN)))).contains("backlog drain: sustained 11,000/s (20-95% of the backlog)");
        assertThat(texts(parse(drawn.get(BenchCharts.RSS)))).contains("startup", "kafka-saturation", "kafka-1000", "kafka-3000");

        Report.main(new String[] { out.toString() });

        for (String chart : drawn.keySet()) {
            assertThat(Files.readString(out.resolve(chart))).as(chart + " drawn again from the folder").isEqualTo(drawn.get(chart));
        }
    }

    /**
     * series.json as a real short run wrote it: {@code BENCH_OPTS='-Dbench.phases=drain,kafka-lag -Dbench.kafka-rates=1000,3000
     * -Dbench.backlog=60000 -Dbench.step-seconds=20' bench/run.sh} (Java 17, 2 cores), with the two figures of its results.json the drain chart reads.
     */
    static final String SHORT_RUN_SERIES = """
            {"seconds": 86.8, "phases": {"name": ["startup", "kafka-saturation", "kafka-warm-up", "kafka-1000", "kafka-3000"], "from": [2.8,
            10.1, 18.7, 39.7, 61.7]}, "launches": [2.8], "rss": {"t": [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
            22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53,
            54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84],
            "rssMb": [22.7, 94.5, 152.7, 177.9, 218.3, 260.2, 262.8, 277.3, 288.3, 288.9, 293.7, 299.8, 307.4, 315.1, 328.6, 326.6, 322.9,
            323.1, 323.3, 323.5, 323.6, 324.0, 324.0, 324.0, 324.0, 324.0, 324.0, 324.0, 324.1, 324.1, 324.1, 324.1, 324.1, 324.1, 324.1,
            324.1, 324.6, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7, 324.7,
            324.7, 324.7, 324.7, 324.7, 324.7, 324.9, 339.7, 336.8, 336.8, 332.9, 332.9, 332.9, 333.0, 333.0, 333.0, 333.0, 333.0, 333.0,
            333.0, 333.0, 333.0, 333.0, 333.0, 333.0, 333.0, 333.0, 333.0, 333.1, 334.7, 334.7], "rssAnonMb": [10.1, 70.4, 128.3, 153.3,
            193.5, 235.4, 237.5, 252.0, 263.0, 263.5, 268.4, 274.4, 282.1, 289.8, 303.3, 301.2, 297.5, 297.8, 298.0, 298.1, 298.3, 298.7,
            298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 298.7, 299.2, 299.3, 299.3, 299.3,
            299.3, 299.3, 299.3, 299.3, 299.3, 299.3, 299.3, 299.3, 299.3, 299.3, 299.3, 299.4, 299.4, 299.4, 299.4, 299.4, 299.4, 299.4,
            299.5, 314.3, 311.5, 311.5, 307.5, 307.5, 307.6, 307.6, 307.6, 307.6, 307.6, 307.6, 307.7, 307.7, 307.7, 307.7, 307.7, 307.7,
            307.7, 307.7, 307.7, 307.7, 307.8, 309.3, 309.3]}, "drains": [{"phase": "kafka-saturation", "from": 10.1, "t": [0.09, 1.24, 2.27,
            3.32, 4.46, 5.5, 6.54, 7.57, 8.59], "processed": [1332, 3444, 6790, 11905, 19254, 25655, 37428, 53800, 60001], "applied": [1281,
            3283, 6479, 11360, 18395, 24446, 35671, 51301, 57228]}], "kafkaLag": [{"offeredPerSecond": 1000, "bucketSeconds": 1, "t": [39, 40,
            41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59], "probes": [7, 33, 25, 24, 18, 29, 30, 30, 21, 30, 33,
            25, 27, 26, 30, 27, 29, 27, 22, 27, 31], "p50": [6, 4, 4, 4, 4, 4, 3, 4, 4, 4, 5, 5, 5, 5, 4, 5, 5, 3, 4, 4, 4], "p99": [13, 7, 7,
            8, 7, 7, 6, 7, 6, 7, 8, 8, 9, 8, 7, 7, 7, 10, 9, 84, 7]}, {"offeredPerSecond": 3000, "bucketSeconds": 1, "t": [61, 62, 63, 64, 65,
            66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81], "probes": [26, 91, 90, 87, 96, 85, 100, 89, 87, 83, 84, 80, 91,
            93, 101, 96, 82, 80, 78, 92, 71], "p50": [4, 5, 4, 5, 4, 4, 4, 5, 4, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4, 5], "p99": [10, 17, 15, 19,
            9, 8, 7, 11, 13, 15, 9, 9, 8, 8, 23, 10, 7, 7, 17, 25, 73]}]}
            """;

    @Test
    @SuppressWarnings("unchecked")
    void aRealShortRunsSeriesDrawAllThreeCharts() throws Exception {
        Map<String, Object> series = Report.JSON.readValue(SHORT_RUN_SERIES, Map.class);
        Map<String, Object> results = Map.of("kafkaSaturation", Map.of("events", 60_001, "sustainedPerSecond", 11_101));

        Map<String, String> charts = BenchCharts.render(series, results);

        assertThat(charts).containsOnlyKeys(BenchCharts.LAG, BenchCharts.DRAIN, BenchCharts.RSS);
        Document lag = parse(charts.get(BenchCharts.LAG));
        assertSelfContained(lag, 560);
        assertThat(texts(lag)).contains("1,000 events/s offered", "3,000 events/s offered", "1,000/s", "3,000/s", "1", "10", "100")
                .as("the highest lag, 84 ms, is under the top tick").doesNotContain("1,000", "0.5");
        assertThat(elements(lag, "path")).hasSize(4).allMatch(p -> p.getAttribute("d").split("L").length == 21);

        Document drain = parse(charts.get(BenchCharts.DRAIN));
        assertSelfContained(drain, 540);
        assertThat(texts(drain)).contains("backlog drain: every outcome", "backlog drain: applied", "backlog drain: sustained 11,101/s (20-95% of the backlog)");
        assertThat(elements(drain, "path")).hasSize(2).allMatch(p -> p.getAttribute("d").split("L").length == 8);

        Document rss = parse(charts.get(BenchCharts.RSS));
        assertSelfContained(rss, 620);
        assertThat(texts(rss)).contains("startup", "kafka-saturation", "kafka-warm-up", "kafka-1000", "kafka-3000", "256 MB target under load");
        // One launch: each line in one piece, a point a second.
        assertThat(elements(rss, "path")).hasSize(2).allMatch(p -> !p.getAttribute("d").substring(1).contains("M"))
                .allMatch(p -> p.getAttribute("d").split("L").length == 83);
    }

    private static Map<String, Object> lagStep(int rate, long from, long[] p50, long[] p99) {
        List<Long> t = new ArrayList<>();
        List<Long> probes = new ArrayList<>();
        for (int i = 0; i < p50.length; i++) {
            t.add(from + i);
            probes.add(30L);
        }
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("offeredPerSecond", rate);
        step.put("bucketSeconds", 1);
        step.put("t", t);
        step.put("probes", probes);
        step.put("p50", java.util.Arrays.stream(p50).boxed().toList());
        step.put("p99", java.util.Arrays.stream(p99).boxed().toList());
        return step;
    }

    /** Parsed by the JDK's XML parser, without a DTD or anything fetched: it fails on any malformed markup. */
    static Document parse(String svg) throws Exception {
        assertThat(svg).isNotNull();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** An SVG with a fixed size and viewBox (of {@code height}, unless -1), a white background, no script, no link out, no font fetched. */
    static void assertSelfContained(Document svg, int height) {
        Element root = svg.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(root.getAttribute("viewBox")).matches("0 0 960 \\d+");
        if (height > 0) {
            assertThat(root.getAttribute("viewBox")).isEqualTo("0 0 960 " + height);
            assertThat(root.getAttribute("height")).isEqualTo(Integer.toString(height));
        }
        assertThat(root.getAttribute("width")).isEqualTo("960");
        assertThat(root.getAttribute("font-family")).isEqualTo("sans-serif");
        assertThat(elements(svg, "script")).isEmpty();
        assertThat(elements(svg, "image")).isEmpty();
        assertThat(elements(svg, "style")).isEmpty();
        assertThat(elements(svg, "rect").get(0).getAttribute("fill")).isEqualTo("#ffffff");
        NodeList all = svg.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            assertThat(e.getAttribute("href") + e.getAttributeNS("http://www.w3.org/1999/xlink", "href")).as(e.getTagName() + " links out").isEmpty();
        }
    }

    static List<Element> elements(Document svg, String name) {
        NodeList nodes = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", name);
        List<Element> r = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            r.add((Element) nodes.item(i));
        }
        return r;
    }

    static List<String> texts(Document svg) {
        return elements(svg, "text").stream().map(Element::getTextContent).toList();
    }
}
