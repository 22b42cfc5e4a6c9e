package com.example.profiles.knative;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.example.profiles.freshness.FreshnessReader.SourceReading;
import com.example.profiles.freshness.LagHistory;
import com.example.profiles.sweeper.RecentSweeps;

/** The page's HTML: every value escaped, every number in plain units, and what it says without Redis. */
class FreshnessPageHtmlTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final String HOSTILE = "\"><script>alert('x')</script>&";

    @Test
    void whateverAValueHoldsItIsEscapedInTextAndAttributes() {
        RecentSweeps.Recent recent = new RecentSweeps.Recent(true,
                Optional.of(new RecentSweeps.LastSweep(NOW - 5_000, HOSTILE, 3, Map.of(HOSTILE, 2), 12, true)),
                List.of(new RecentSweeps.Alert(NOW - 1_000, "raised", HOSTILE, "cart", 0.9, 0.8, NOW - 1_000)), Map.of(HOSTILE, NOW));
        String html = FreshnessPageHtml.render(new FreshnessPageHtml.Model(NOW, List.of(reading()), null, recent,
                List.of(new FreshnessPageHtml.DeadLetterCount("cart", HOSTILE, 1)), LagChart.svg(List.of(), NOW, Map.of("cart", 300_000L))));

        assertThat(html).doesNotContain("<script").doesNotContain("'x'")
                .contains("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;");
        assertThat(html).contains("data-source=\"cart\" data-profiles=\"6\" data-stale=\"5\" data-stale-share=\"0.8333\"")
                .contains("data-oldest-event-at=\"" + (NOW - 2_400_000) + "\"")
                .contains("data-kept-in=\"redis\" data-finished-at=\"" + (NOW - 5_000) + "\" data-entries-touched=\"3\"");
    }

    @Test
    void withoutRedisItSaysSoAndShowsWhatItKeepsInMemory() {
        RecentSweeps.Recent memory = new RecentSweeps.Recent(false, Optional.empty(), List.of(), Map.of());
        String html = FreshnessPageHtml.render(new FreshnessPageHtml.Model(NOW, null, "ProfileStoreTimeoutException", memory, List.of(),
                LagChart.svg(List.of(new LagHistory.Point("cart", NOW - 10_000, 4, 5, LagHistory.BEYOND)), NOW, Map.of("cart", 300_000L))));

        assertThat(html).contains("data-redis=\"unavailable\"").contains("id=\"redis-unavailable\"")
                .contains("Redis is unavailable (ProfileStoreTimeoutException)").doesNotContain("data-stale-share")
                .contains("data-kept-in=\"memory\"").contains("This instance has run no sweep since it started.")
                .contains("data-count=\"4\" data-p50-ms=\"5\" data-p99-ms=\"" + LagHistory.LONGEST + "\" data-p99-beyond=\"true\"");
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(FreshnessPageHtml.duration(850)).isEqualTo("850 ms");
        assertThat(FreshnessPageHtml.duration(12_000)).isEqualTo("12 s");
        assertThat(FreshnessPageHtml.duration(270_000)).isEqualTo("4.5 min");
        assertThat(FreshnessPageHtml.duration(Duration.ofHours(25).toMillis())).isEqualTo("25 h");
        assertThat(FreshnessPageHtml.duration(Duration.ofDays(35).toMillis())).isEqualTo("35 d");
    }

    private static SourceReading reading() {
        return new SourceReading("cart", 6, 5, 0.8, Duration.ofMinutes(30), NOW - 2_400_000, NOW - 1_000, 6, 5, Duration.ofMinutes(5),
                Duration.ofMinutes(5));
    }
}
