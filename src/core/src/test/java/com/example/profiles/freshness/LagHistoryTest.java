package com.example.profiles.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The lag ring: bounded, per source and ten-second period, percentiles within one bucket of the truth. */
class LagHistoryTest {

    private static final long T0 = 1_800_000_000_000L; // a period boundary

    @Test
    void eachPeriodHoldsItsSourcesCountsAndPercentiles() {
        LagHistory history = new LagHistory();
        for (int i = 1; i <= 100; i++) {
            history.record("cart", i, T0 + 1_000); // 1..100 ms
        }
        history.record("purchase", 2_400_000, T0 + 12_000); // 40 minutes, in the next period
        history.record("nobody-knows-me", 5, T0);

        List<LagHistory.Point> points = history.points(T0 + 15_000);
        assertThat(points).hasSize(3 * LagHistory.SLOTS);
        LagHistory.Point cart = point(points, "cart", T0);
        assertThat(cart.count()).isEqualTo(100);
        assertThat(cart.p50Millis()).isBetween(50L, 63L);
        assertThat(cart.p99Millis()).isBetween(99L, 126L);
        LagHistory.Point purchase = point(points, "purchase", T0 + 10_000);
        assertThat(purchase.count()).isEqualTo(1);
        assertThat(purchase.p99Millis()).isBetween(2_400_000L, 2_400_000L * 126 / 100);
        assertThat(point(points, "customer", T0).count()).isZero();
        assertThat(point(points, "customer", T0).p99Millis()).isEqualTo(-1);
        assertThat(points.stream().mapToLong(LagHistory.Point::count).sum()).isEqualTo(101);
    }

    @Test
    void aPeriodFifteenMinutesOldMakesRoomForTheNewOne() {
        LagHistory history = new LagHistory();
        history.record("cart", 10, T0);
        long later = T0 + LagHistory.SLOTS * LagHistory.PERIOD_MILLIS; // the same slot, one ring later
        history.record("cart", 20, later);
        history.record("cart", 30, T0 + 1); // too old for the ring now: dropped

        List<LagHistory.Point> points = history.points(later);
        assertThat(points.stream().filter(p -> p.count() > 0).toList()).singleElement()
                .satisfies(p -> assertThat(p.periodStart()).isEqualTo(later))
                .satisfies(p -> assertThat(p.count()).isEqualTo(1));
    }

    @Test
    void aLagBeyondTheLastBucketIsToldAsBeyond() {
        LagHistory history = new LagHistory();
        history.record("purchase", 35L * 24 * 3_600_000, T0);
        history.record("purchase", -5, T0); // a clock ahead of the event's: counted as 0

        LagHistory.Point p = point(history.points(T0), "purchase", T0);
        assertThat(p.p99Millis()).isEqualTo(LagHistory.BEYOND);
        assertThat(p.p50Millis()).isEqualTo(1);
        assertThat(LagHistory.LONGEST).isEqualTo(100_000_000L);
    }

    private static LagHistory.Point point(List<LagHistory.Point> points, String source, long periodStart) {
        return points.stream().filter(p -> p.source().equals(source) && p.periodStart() == periodStart).findFirst().orElseThrow();
    }
}
