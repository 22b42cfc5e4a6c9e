package com.example.profiles.intake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.Violation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a CloudEvent from a Kafka record, in the Kafka protocol binding's two modes: binary
 * ({@code ce_*} headers, the data as the value) or structured ({@code content-type:
 * application/cloudevents+json}, the whole event as the value; also taken without any header when
 * the value is a JSON object with a {@code specversion}, as plain producers such as kcat write it).
 * The attributes are checked by {@link CloudEventEnvelope}, the same rules as over HTTP, and the
 * data is bound to the function's type with the application's ObjectMapper, exactly: numbers as
 * written, never through {@code double} (the CloudEvents SDK's JSON format, used here before,
 * read a structured event's numbers as doubles and turned 99999999999999.99 into
 * 99999999999999.98). Header values are UTF-8 read strictly: two ids that differ only in invalid
 * bytes must not become one. Anything that is not a well-formed event of that shape is an
 * {@link InvalidEventException} naming what is wrong, never quoting a value at length. Shared by
 * the Kafka consumer and the Lambda MSK batch handler, which sees the same records.
 */
@ApplicationScoped
public class CloudEventDecoder {

    private static final List<String> ATTRIBUTE_HEADERS = List.of("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type");

    private final ObjectMapper mapper;
    private final int maxPayloadBytes;

    public CloudEventDecoder(ObjectMapper mapper, ProfileSettings settings) {
        this.mapper = mapper;
        this.maxPayloadBytes = settings.maxPayloadBytes();
    }

    public <T> Decoded<T> decode(ProfileEventFunction<T> function, Headers headers, byte[] value) {
        if (value == null) {
            throw new InvalidEventException("event", "the record has no value");
        }
        if (value.length > maxPayloadBytes) {
            throw new InvalidEventException("event", "the record is " + value.length + " bytes; the limit is " + maxPayloadBytes);
        }
        List<Violation> problems = new ArrayList<>();
        String contentType = header(headers, "content-type", problems);
        boolean binary = headers != null && hasCloudEventHeader(headers);
        if (contentType != null && CloudEventEnvelope.mediaType(contentType).equals(CloudEventEnvelope.BATCH)) {
            throw new InvalidEventException("content-type", "batch mode (" + CloudEventEnvelope.BATCH + ") is not taken: one event per record");
        }
        boolean structured = contentType != null ? CloudEventEnvelope.mediaType(contentType).equals(CloudEventEnvelope.STRUCTURED)
                : !binary && looksStructured(value);
        if (structured) {
            if (!problems.isEmpty()) {
                throw new InvalidEventException(problems);
            }
            CloudEventEnvelope event = CloudEventEnvelope.structured(readEvent(value), mapper);
            if (event.data() == null) {
                throw new InvalidEventException("data", "the event carries no data");
            }
            return new Decoded<>(bind(event.data(), function), event.meta());
        }
        if (!binary) {
            throw new InvalidEventException("event", "is not a CloudEvent: it has neither ce_* headers (binary mode) nor the content type "
                    + CloudEventEnvelope.STRUCTURED + " (structured mode)");
        }
        String specVersion = header(headers, "ce_specversion", problems);
        String id = header(headers, "ce_id", problems);
        String source = header(headers, "ce_source", problems);
        String type = header(headers, "ce_type", problems);
        String time = header(headers, "ce_time", problems);
        if (!problems.isEmpty()) {
            throw new InvalidEventException(problems);
        }
        CloudEventEnvelope event = CloudEventEnvelope.binary(specVersion, id, source, type, time, contentType);
        if (value.length == 0) {
            throw new InvalidEventException("data", "the event carries no data");
        }
        return new Decoded<>(bind(value, function), event.meta());
    }

    private JsonNode readEvent(byte[] value) {
        try {
            return mapper.readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("event", JsonProblems.violation(e).message());
        } catch (IOException e) {
            throw new InvalidEventException("event", "cannot be read");
        }
    }

    private <T> T bind(byte[] data, ProfileEventFunction<T> function) {
        try {
            return mapper.readValue(data, function.dataType());
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(JsonProblems.violation(e)));
        } catch (IOException e) {
            throw new InvalidEventException("data", "cannot be read");
        }
    }

    private <T> T bind(JsonNode data, ProfileEventFunction<T> function) {
        try {
            return mapper.treeToValue(data, function.dataType());
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(JsonProblems.violation(e)));
        }
    }

    private static boolean hasCloudEventHeader(Headers headers) {
        for (Header header : headers) {
            if (header.key().startsWith("ce_")) {
                return true;
            }
        }
        return false;
    }

    /** The header's value as strict UTF-8, or null when absent; a repeated or undecodable attribute is a problem. */
    private static String header(Headers headers, String name, List<Violation> problems) {
        if (headers == null) {
            return null;
        }
        Header found = null;
        for (Header header : headers.headers(name)) {
            if (found != null) {
                problems.add(new Violation(attribute(name), "appears more than once (the " + name + " header)"));
                return null;
            }
            found = header;
        }
        if (found == null || found.value() == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(found.value()))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            problems.add(new Violation(attribute(name), "is not valid UTF-8 (the " + name + " header)"));
            return null;
        }
    }

    private static String attribute(String header) {
        return ATTRIBUTE_HEADERS.contains(header) && header.startsWith("ce_") ? header.substring(3) : header;
    }

    private static boolean looksStructured(byte[] value) {
        String head = new String(value, 0, Math.min(value.length, 4096), StandardCharsets.UTF_8);
        return head.stripLeading().startsWith("{") && head.contains("\"specversion\"");
    }
}
