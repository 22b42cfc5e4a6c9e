package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.bench.LoadStream.Event;

/** The benchmark stream's backlog: one instant by default, or its event times spread over a span in order. */
class LoadStreamTest {

    private static LoadStream.Settings settings(long backlogSpanMillis) {
        return new LoadStream.Settings(10_000, 0.6, 0.30, 0.50, 0.05, 0.05, 120_000, 0.03, backlogSpanMillis);
    }

    @Test
    void aBacklogWithoutASpanHasOneEventTimeBesidesTheLateOnes() {
        long now = 1_800_000_000_000L;
        List<Event> backlog = new LoadStream(settings(0), 42, "t").batch(2_000, now);
        assertThat(backlog).filteredOn(e -> !e.outOfOrder()).extracting(Event::eventTime).containsOnly(now);
        assertThat(backlog).filteredOn(Event::outOfOrder).isNotEmpty().allMatch(e -> e.eventTime() < now && e.eventTime() >= now - 120_000);
    }

    @Test
    void aSpannedBacklogComesInTimeOrderOverTheSpanEndingNow() {
        long now = 1_800_000_000_000L;
        long span = 12_000;
        List<Event> backlog = new LoadStream(settings(span), 42, "t").batch(2_000, now);
        // Re-deliveries repeat an earlier event as it was (left out here); the rest are stamped in order.
        Set<String> seen = new HashSet<>();
        List<Long> inOrder = backlog.stream().filter(e -> seen.add(e.id()) && !e.outOfOrder()).map(Event::eventTime).toList();
        assertThat(inOrder).isSorted().allMatch(t -> t > now - span && t <= now);
        assertThat(inOrder.get(inOrder.size() - 1)).isEqualTo(now);
        assertThat(inOrder.get(0)).isLessThan(now - span + span / 100);
        assertThat(backlog).filteredOn(Event::outOfOrder).isNotEmpty().allMatch(e -> e.eventTime() < now && e.eventTime() >= now - span - 120_000);
    }
}
