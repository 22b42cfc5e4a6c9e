package com.example.profiles.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Times are RFC 3339 strings with an offset, and every event time lies in the window; nothing is coerced. */
class EventTimeTest {

    record Occurred(Instant occurredAt) {
    }

    private final ObjectMapper mapper = ExactDecimalTest.mapper();
    private final EventClock clock = new EventClock(CurrencyConverterTest.settings(Map.of("profiles.base-currency", "EUR")));

    @Test
    void readsTimestampsWithAnOffset() {
        assertThat(EventTime.parse("2026-11-26T09:00:00Z")).isEqualTo(Instant.parse("2026-11-26T09:00:00Z"));
        assertThat(EventTime.parse("2026-11-26T10:00:00.250+01:00")).isEqualTo(Instant.parse("2026-11-26T09:00:00.250Z"));
        assertThat(EventTime.parse("-999999999-01-01T00:00:00Z")).isNotNull(); // a time; the window refuses it
    }

    @Test
    void refusesWhatIsNotSuchATimestamp() {
        for (String text : new String[] { "2026-11-26T09:00:00", "2026-11-26", "yesterday", "", "1795661691189", "2026-13-45T99:00:00Z",
                "2026-11-26T09:00:00Z" + " ".repeat(60) }) {
            assertThat(EventTime.parse(text)).as(text).isNull();
        }
        assertThatThrownBy(() -> mapper.readValue("{\"occurredAt\": 1e308}", Occurred.class)).isInstanceOf(JsonRefusal.class)
                .hasMessageContaining(EventTime.FORMAT);
        assertThatThrownBy(() -> mapper.readValue("{\"occurredAt\": 0}", Occurred.class)).isInstanceOf(JsonRefusal.class);
    }

    @Test
    void theWindowRefusesWithoutConvertingAndNamesTheBoundNotTheTime() {
        EventMeta meta = new EventMeta("id", "/s", "t", null);
        for (String far : new String[] { "-999999999-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z" }) {
            assertThatThrownBy(() -> clock.eventTimeMillis(Instant.parse(far), meta)).as(far).isInstanceOf(InvalidEventException.class)
                    .hasMessage("occurredAt: lies before 2000-01-01T00:00:00Z, the earliest event time taken (profiles.earliest-event-time)");
        }
        assertThatThrownBy(() -> clock.eventTimeMillis(Instant.MAX, meta)).isInstanceOf(InvalidEventException.class)
                .hasMessage("occurredAt: lies more than PT5M in the future (profiles.max-future-skew)");
        Instant now = Instant.now().minus(Duration.ofSeconds(1));
        assertThat(clock.eventTimeMillis(now, meta)).isEqualTo(now.toEpochMilli());
        assertThat(clock.eventTimeMillis(Instant.parse("2000-01-01T00:00:00Z"), meta)).isEqualTo(946_684_800_000L);
    }
}
