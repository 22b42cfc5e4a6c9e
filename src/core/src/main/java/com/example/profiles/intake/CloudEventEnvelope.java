package com.example.profiles.intake;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import com.example.profiles.core.EventAttributes;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.EventTime;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.Violation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A CloudEvent as it arrived, checked before its data is bound: the rules of CloudEvents 1.0
 * (required attributes, their types, an RFC 3339 time) plus ours ({@link EventAttributes}, JSON
 * data only). One reader for every channel: HTTP binary and structured mode (checked before
 * Funqy sees the request), Kafka binary and structured mode, and the Lambda batch handler, which
 * decodes Kafka records. So every channel refuses the same events with the same words.
 * <p>
 * Structured mode is read with the application's ObjectMapper ({@code StrictJson}): duplicate
 * keys are refused and numbers stay exact decimals. ({@code data_base64} holding JSON, as some
 * producers write it, is taken as that JSON.)
 *
 * @param data the event data as JSON (structured mode), or null in binary mode, where the data is
 *        the body and is bound directly
 */
public record CloudEventEnvelope(String id, String source, String type, Instant time, JsonNode data) {

    /** The content type of a structured-mode event. */
    public static final String STRUCTURED = "application/cloudevents+json";
    /** The content type of a batch of structured events, which no function here takes. */
    public static final String BATCH = "application/cloudevents-batch+json";

    public EventMeta meta() {
        return new EventMeta(id, source, type, time);
    }

    /** True when the media type names JSON data ({@code application/json}, any parameters), or is absent. */
    public static boolean isJsonData(String contentType) {
        return contentType == null || mediaType(contentType).equals("application/json");
    }

    /** The media type without parameters, lower-cased: {@code Application/JSON; charset=utf-8} is {@code application/json}. */
    public static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Checks the attributes of a binary-mode event (HTTP {@code ce-*} or Kafka {@code ce_*}
     * headers, already decoded as text) and answers them as an envelope without data.
     *
     * @param contentType the {@code Content-Type} (HTTP) or {@code content-type} header (Kafka), the data's media type
     * @throws InvalidEventException naming every problem
     */
    public static CloudEventEnvelope binary(String specVersion, String id, String source, String type, String time, String contentType) {
        List<Violation> problems = problems(specVersion, id, source, type, time, contentType);
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
        return new CloudEventEnvelope(id, source, type, time == null ? null : EventTime.parse(time), null);
    }

    /** Every problem with the attributes, empty when there is none. */
    public static List<Violation> problems(String specVersion, String id, String source, String type, String time, String contentType) {
        List<Violation> problems = new ArrayList<>();
        Violation version = EventAttributes.specVersionProblem(specVersion);
        if (version != null) {
            problems.add(version);
        }
        problems.addAll(EventAttributes.problems(id, source, type));
        if (time != null && EventTime.parse(time) == null) {
            problems.add(new Violation("time", EventTime.FORMAT));
        }
        if (!isJsonData(contentType)) {
            problems.add(new Violation("datacontenttype", "must be application/json: the functions take JSON data"));
        }
        return problems;
    }

    /**
     * Reads a structured-mode event from its JSON document (parsed with the application's
     * ObjectMapper). The data is {@code data}, or {@code data_base64} decoded and parsed as JSON;
     * null when the event carries none.
     *
     * @throws InvalidEventException naming every problem
     */
    public static CloudEventEnvelope structured(JsonNode event, ObjectMapper mapper) {
        if (event == null || !event.isObject()) {
            throw new InvalidEventException("event", "a structured CloudEvent is one JSON object"
                    + (event != null && event.isArray() ? "; a JSON array is batch mode, which is not taken here" : ""));
        }
        List<Violation> problems = new ArrayList<>();
        String specVersion = string(event, "specversion", problems);
        String id = string(event, "id", problems);
        String source = string(event, "source", problems);
        String type = string(event, "type", problems);
        String time = string(event, "time", problems);
        String contentType = string(event, "datacontenttype", problems);
        // An attribute that is not a string was named above; its absence is not a second problem.
        problems(specVersion, id, source, type, time, contentType).stream()
                .filter(problem -> problems.stream().noneMatch(known -> known.field().equals(problem.field())))
                .forEach(problems::add);
        JsonNode data = null;
        try {
            data = data(event, mapper);
        } catch (InvalidEventException invalid) {
            problems.addAll(invalid.violations());
        }
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
        return new CloudEventEnvelope(id, source, type, time == null ? null : EventTime.parse(time), data);
    }

    private static JsonNode data(JsonNode event, ObjectMapper mapper) {
        JsonNode data = event.get("data");
        JsonNode base64 = event.get("data_base64");
        if (base64 == null || base64.isNull()) {
            return data == null || data.isNull() ? null : data;
        }
        if (data != null && !data.isNull()) {
            throw new InvalidEventException("data_base64", "an event carries data or data_base64, not both");
        }
        if (!base64.isTextual()) {
            throw new InvalidEventException("data_base64", "must be a string of base64");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.textValue());
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidEventException("data_base64", "is not base64");
        }
        try {
            return mapper.readTree(bytes);
        } catch (JsonProcessingException e) {
            Violation why = JsonProblems.violation(e);
            throw new InvalidEventException("data_base64", "does not hold JSON data: " + why.message());
        } catch (IOException e) {
            throw new InvalidEventException("data_base64", "cannot be read");
        }
    }

    /** The member as a string; a member of another JSON type is a problem (CloudEvents attributes are strings). */
    private static String string(JsonNode event, String name, List<Violation> problems) {
        JsonNode value = event.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(new Violation(name, "must be a string"));
            return null;
        }
        return value.textValue();
    }
}
