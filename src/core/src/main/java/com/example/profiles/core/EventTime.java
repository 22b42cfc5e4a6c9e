package com.example.profiles.core;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;

/**
 * How every time in an event is read, on every channel: an RFC 3339 / ISO-8601 timestamp with an
 * offset ({@code 2026-11-26T09:00:00Z}, {@code 2026-11-26T10:00:00.250+01:00}), as the CloudEvent
 * {@code time} attribute and our {@code occurredAt} fields are specified. Nothing else is coerced
 * into a time: a number (epoch seconds? milliseconds?) is refused, not guessed. Whether the time
 * is a plausible event time is {@link EventClock#checkWindow}'s question; here it only has to be a
 * time, so parsing never overflows (an {@link Instant} holds any year a timestamp can write).
 */
public final class EventTime {

    /** Longer than any timestamp with nanoseconds and an offset; refused before parsing. */
    static final int MAX_LENGTH = 64;
    public static final String FORMAT = "must be an RFC 3339 time with an offset, such as 2026-11-26T09:00:00Z";

    private EventTime() {
    }

    /** The instant the text names, or null when it is not such a timestamp. */
    public static Instant parse(CharSequence text) {
        if (text == null || text.length() == 0 || text.length() > MAX_LENGTH) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException | ArithmeticException notATime) {
            return null;
        }
    }

    /** The instant, or an {@link InvalidEventException} on {@code field} saying what a time must look like. */
    public static Instant require(String field, CharSequence text) {
        Instant time = parse(text);
        if (time == null) {
            throw new InvalidEventException(field, FORMAT);
        }
        return time;
    }

    /** Binds {@link Instant} from such a string only; registered for the application's ObjectMapper ({@link StrictJson}). */
    public static final class Deserializer extends StdScalarDeserializer<Instant> {

        private static final long serialVersionUID = 1L;

        public Deserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                Instant time = parse(p.getText());
                if (time != null) {
                    return time;
                }
            }
            throw new JsonRefusal(p, FORMAT);
        }
    }
}
