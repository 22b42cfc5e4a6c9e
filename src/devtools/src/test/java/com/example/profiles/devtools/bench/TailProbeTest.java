package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisServerProcess;

/**
 * The machine-tail probe against a real redis-server: it sends at its rate whatever happens to
 * the server, so its count is the rate times the time it ran, every ping sent is answered and
 * counted by the time it is closed, and a server that stalls shows as latency of the pings due
 * meanwhile, not as pings left out.
 */
class TailProbeTest {

    private static final int RATE = 200;
    private static RedisServerProcess server;

    @BeforeAll
    static void start() {
        server = RedisServerProcess.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void countsTheRateTimesTheDurationWithPositiveRoundTrips() throws Exception {
        TailProbe probe = TailProbe.start("127.0.0.1", server.port(), RATE);
        long started = System.nanoTime();
        Histogram first;
        double seconds;
        try {
            Thread.sleep(2_500);
            first = probe.interval();
            seconds = (System.nanoTime() - started) / 1e9;
        } finally {
            probe.close();
        }
        double expected = RATE * seconds;
        // Pings still on their way when the interval was cut fall into the next one: a few at most.
        assertThat((double) first.getTotalCount()).as("round trips in %.2f s at %d/s", seconds, RATE).isBetween(expected * 0.95, expected + 1);
        assertThat(first.getValueAtPercentile(50)).as("p50 µs").isPositive();
        assertThat(first.getValueAtPercentile(99)).as("p99 µs").isGreaterThanOrEqualTo(first.getValueAtPercentile(50));
        assertThat(first.getMaxValue()).as("max µs").isGreaterThanOrEqualTo(first.getValueAtPercentile(99.9));
        // Closing waited for every answer owed: each ping sent is in one interval or the other.
        Histogram rest = probe.interval();
        assertThat(first.getTotalCount() + rest.getTotalCount()).as("answered").isEqualTo(probe.sent());
        assertThat(probe.errors()).isZero();
        assertThat(probe.failure()).isNull();
    }

    @Test
    void aStalledServerShowsAsLatencyOfThePingsDueMeanwhile() throws Exception {
        Map<String, Object> figures;
        long stalledMillis;
        double seconds;
        TailProbe probe = TailProbe.start("127.0.0.1", server.port(), RATE);
        try {
            Thread.sleep(500);
            probe.interval();
            long from = System.nanoTime();
            server.freeze();
            long frozenAt = System.nanoTime();
            try {
                Thread.sleep(400);
            } finally {
                stalledMillis = (System.nanoTime() - frozenAt) / 1_000_000;
                server.unfreeze();
            }
            Thread.sleep(1_000);
            figures = probe.intervalMillis();
            seconds = (System.nanoTime() - from) / 1e9;
        } finally {
            probe.close();
        }
        double expected = RATE * seconds;
        // The pings due while the server was stopped were sent on time and waited: none left out.
        assertThat(((Number) figures.get("count")).doubleValue()).as("round trips in %.2f s", seconds).isBetween(expected * 0.95, expected + 1);
        // The first ping due after the stop waited for nearly all of it (less one period, 5 ms).
        assertThat(((Number) figures.get("max")).doubleValue()).as("max ms, the server stopped %d ms", stalledMillis)
                .isGreaterThanOrEqualTo(stalledMillis - 10);
        // About 80 of some 400 pings were due during the stall; the worst 1% waited most of it.
        assertThat(((Number) figures.get("p99")).doubleValue()).as("p99 ms").isGreaterThan(stalledMillis / 2.0);
        assertThat(((Number) figures.get("p50")).doubleValue()).as("p50 ms").isLessThan(stalledMillis / 2.0);
        assertThat(figures).containsKeys("count", "p50", "p99", "p99.9", "max");
    }
}
