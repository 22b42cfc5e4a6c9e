package com.example.profiles.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileSettings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;

/**
 * Reads a CloudEvent from a Kafka record (binary mode with {@code ce_*} headers, or structured mode)
 * with the CloudEvents SDK, then binds its data to the function's type with the application's
 * Jackson settings. Anything that is not a well-formed event of that shape is an
 * {@link InvalidEventException} naming what is wrong. Shared by the Kafka consumer and the Lambda
 * MSK batch handler, which sees the same records.
 */
@ApplicationScoped
public class CloudEventDecoder {

    private final ObjectMapper mapper;
    private final int maxPayloadBytes;

    public CloudEventDecoder(ObjectMapper mapper, ProfileSettings settings) {
        this.mapper = mapper;
        this.maxPayloadBytes = settings.maxPayloadBytes();
        // The SDK finds its formats with ServiceLoader, which a Quarkus native image leaves out
        // (-H:-UseServiceLoaderFeature unless quarkus.native.auto-service-loader-registration):
        // without this, structured-mode events would not decode in a native executable.
        EventFormatProvider.getInstance().registerFormat(new JsonFormat());
    }

    public <T> Decoded<T> decode(ProfileEventFunction<T> function, Headers headers, byte[] value) {
        if (value == null) {
            throw new InvalidEventException("event", "the record has no value");
        }
        if (value.length > maxPayloadBytes) {
            throw new InvalidEventException("event", "the record is " + value.length + " bytes; the limit is " + maxPayloadBytes);
        }
        CloudEvent event = read(headers == null ? new RecordHeaders() : headers, value);
        if (event.getData() == null) {
            throw new InvalidEventException("data", "the event carries no data");
        }
        T data;
        try {
            data = mapper.readValue(event.getData().toBytes(), function.dataType());
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(JsonProblems.violation(e)));
        } catch (IOException e) {
            throw new InvalidEventException("data", "cannot be read: " + e.getMessage());
        }
        Instant time = event.getTime() == null ? null : event.getTime().toInstant();
        return new Decoded<>(data, new EventMeta(event.getId(), event.getSource().toString(), event.getType(), time));
    }

    private static CloudEvent read(Headers headers, byte[] value) {
        try {
            MessageReader reader = KafkaMessageFactory.createReader(headers, value);
            return reader.toEvent();
        } catch (CloudEventRWException unknownEncoding) {
            // No ce_* headers and no content-type header: accept a structured event written by a
            // plain producer (kcat, a script), which is JSON with a specversion.
            if (looksStructured(value)) {
                EventFormat format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
                try {
                    return format.deserialize(value);
                } catch (RuntimeException e) {
                    throw new InvalidEventException("event", "is not a valid structured CloudEvent: " + rootMessage(e));
                }
            }
            throw new InvalidEventException("event", "is not a CloudEvent: " + rootMessage(unknownEncoding));
        } catch (RuntimeException e) {
            // Whatever the SDK rejects (bad JSON, missing attributes) will never decode on a retry.
            throw new InvalidEventException("event", "is not a valid CloudEvent: " + rootMessage(e));
        }
    }

    private static boolean looksStructured(byte[] value) {
        String head = new String(value, 0, Math.min(value.length, 4096), StandardCharsets.UTF_8);
        return head.stripLeading().startsWith("{") && head.contains("\"specversion\"");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
