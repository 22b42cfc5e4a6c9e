package com.example.profiles.devtools.redrive;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A record read back from a function's dead-letter topic. Two writers put them there: the app's own
 * consumers and the Lambda handler (the original record byte for byte, with {@code dead-letter-*}
 * headers saying why), and Knative's dead-letter sink (the CloudEvent as Knative delivered it, with
 * its {@code knativeerror*} extensions: the HTTP status and our JSON answer, base64).
 */
record DeadLetter(int partition, long offset, Instant deadLetteredAt, byte[] key, byte[] value, Headers headers, String reason,
        boolean valueOmitted) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Knative's extensions as the KafkaSink writes them in binary mode. */
    private static final String KNATIVE_ERROR = "ce_knativeerror";

    static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        Headers headers = record.headers();
        return new DeadLetter(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(), headers,
                reasonOf(headers), headers.lastHeader("dead-letter-value-omitted") != null);
    }

    /** {@code partition@offset}: the letter's place in its topic, the ledger's key. */
    String id() {
        return partition + "@" + offset;
    }

    /** The headers the record had before it was dead-lettered: ours and Knative's error extensions left out. */
    Headers originalHeaders() {
        RecordHeaders original = new RecordHeaders();
        for (Header header : headers) {
            if (!header.key().startsWith("dead-letter-") && !header.key().startsWith(KNATIVE_ERROR)) {
                original.add(header);
            }
        }
        return original;
    }

    private static String reasonOf(Headers headers) {
        String ours = text(headers.lastHeader("dead-letter-reason"));
        if (ours != null) {
            return ours;
        }
        String code = text(headers.lastHeader(KNATIVE_ERROR + "code"));
        String data = text(headers.lastHeader(KNATIVE_ERROR + "data"));
        if (code == null && data == null) {
            return "(no reason recorded)";
        }
        return "HTTP " + (code == null ? "?" : code) + answered(data);
    }

    /** Our JSON error answer, which Knative keeps base64 in knativeerrordata (maybe cut short): its first violation. */
    private static String answered(String base64) {
        if (base64 == null) {
            return "";
        }
        try {
            JsonNode answer = JSON.readTree(Base64.getDecoder().decode(base64));
            JsonNode violation = answer.path("violations").path(0);
            String error = answer.path("error").asText("");
            return violation.isMissingNode() ? ": " + error
                    : ": " + violation.path("field").asText() + ": " + violation.path("message").asText();
        } catch (Exception unreadable) {
            return "";
        }
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
