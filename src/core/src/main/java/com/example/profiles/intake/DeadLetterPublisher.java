package com.example.profiles.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.Violation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Sends a record we refuse to a dead-letter topic, byte for byte with its original key and headers
 * (so it can be replayed once fixed), plus headers saying why and where it came from:
 * {@code dead-letter-reason} (one line), {@code dead-letter-violations} (JSON list),
 * {@code dead-letter-function}, {@code dead-letter-topic}, {@code dead-letter-partition},
 * {@code dead-letter-offset}. The returned Uni completes when the broker has the copy, so the
 * original is acknowledged only after that: an invalid record is never lost.
 * Used by the Kafka consumer ({@link KafkaIntake}) and by the Lambda MSK batch handler, which has
 * the record's coordinates but no SmallRye Kafka metadata ({@link SourceRecord}).
 *
 * <p>A dead letter always fits the producer's limits, whatever the record or the reason: if the
 * copy could not be sent, the record could be neither applied nor set aside, and its partition
 * would stop. So the reason is cut to one line of at most {@code profiles.dead-letter.max-reason-chars},
 * the violation list to {@code max-violations} entries of bounded length (a 133-byte record whose
 * violation message was a megabyte made a 2 MB dead letter), and a record that would still be
 * larger than {@code max-record-bytes} is sent without its value and original headers, with
 * {@code dead-letter-value-omitted} saying how large it was; its coordinates say where to find it.
 *
 * <p>Each copy the broker acknowledged is counted ({@link DeadLetterCounter}); a send that failed
 * and is tried again counts once, when it succeeds.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    /** What the reason of a record refused because the code failed on it starts with. */
    public static final String INTERNAL_ERROR = "internal error: ";

    /** The Kafka record framing and batch header around key, value and headers, with room to spare. */
    private static final int RECORD_OVERHEAD_BYTES = 1024;
    private static final int HEADER_OVERHEAD_BYTES = 16;
    private static final int MAX_FIELD_CHARS = 200;

    /**
     * Where a refused record came from.
     *
     * @param key the record's key as it was (byte[] for our consumers), or null
     * @param headers the record's headers, copied to the dead letter; null for none
     */
    public record SourceRecord(String topic, int partition, long offset, Object key, Headers headers) {

        /** {@code topic-partition@offset}, how logs name a record. */
        public String coordinates() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;
    private final ProfileSettings settings;
    private final DeadLetterSettings limits;
    private final DeadLetterCounter counter;

    public DeadLetterPublisher(@Channel("dead-letter") MutinyEmitter<byte[]> emitter, ObjectMapper mapper, ProfileSettings settings,
            DeadLetterSettings limits, DeadLetterCounter counter) {
        this.emitter = emitter;
        this.mapper = mapper;
        this.settings = settings;
        this.limits = limits;
        this.counter = counter;
    }

    /** The function's dead-letter topic: its descriptor's {@code deadLetterTopic}, else {@code <topic>.dlq}. */
    public String topicFor(ProfileEventFunction<?> function) {
        ProfileSettings.Function config = settings.functions().get(function.name());
        return config.deadLetterTopic().orElseGet(() -> config.topic().orElse(function.name()) + ".dlq");
    }

    public static SourceRecord source(IncomingKafkaRecordMetadata<?, ?> kafka) {
        return new SourceRecord(kafka.getTopic(), kafka.getPartition(), kafka.getOffset(), kafka.getKey(), kafka.getHeaders());
    }

    public Uni<Void> publish(String function, String deadLetterTopic, IncomingKafkaRecordMetadata<?, ?> source, byte[] value,
            InvalidEventException why) {
        return publish(function, deadLetterTopic, source(source), value, why);
    }

    /** An invalid record: the reason is the violations, one line. */
    public Uni<Void> publish(String function, String deadLetterTopic, SourceRecord source, byte[] value, InvalidEventException why) {
        return publish(function, deadLetterTopic, source, value, why.getMessage(), why.violations(),
                counter.invalidReason(function, why.violations()));
    }

    /**
     * A record the code failed on (a bug, or an input nobody foresaw): reason
     * {@code internal error: <exception class>}, no violations. The exception's message is left
     * out: it may quote the record, and the reason travels further than the record's own topic.
     */
    public Uni<Void> publishInternalError(String function, String deadLetterTopic, SourceRecord source, byte[] value, Throwable failure) {
        return publish(function, deadLetterTopic, source, value, INTERNAL_ERROR + failure.getClass().getName(), List.of(),
                DeadLetterCounter.internalErrorReason(failure));
    }

    /** @param countedAs the bounded reason the copy is counted under once the broker has it */
    private Uni<Void> publish(String function, String deadLetterTopic, SourceRecord source, byte[] value, String reason,
            List<Violation> violations, String countedAs) {
        byte[] body = value == null ? new byte[0] : value;
        Object key = source.key();
        Headers headers = source.headers() == null ? new RecordHeaders() : new RecordHeaders(source.headers().toArray());
        header(headers, "dead-letter-reason", oneLine(reason, limits.maxReasonChars()));
        header(headers, "dead-letter-violations", violationsJson(violations));
        header(headers, "dead-letter-function", function);
        header(headers, "dead-letter-topic", source.topic());
        header(headers, "dead-letter-partition", Integer.toString(source.partition()));
        header(headers, "dead-letter-offset", Long.toString(source.offset()));
        if (size(key, body, headers) > limits.maxRecordBytes()) {
            // Too large to copy: keep what says why and where, so the original can be read from its
            // topic (while its retention lasts) rather than have no dead letter at all.
            Headers ours = new RecordHeaders();
            for (Header h : headers) {
                if (h.key().startsWith("dead-letter-")) {
                    ours.add(h);
                }
            }
            header(ours, "dead-letter-value-omitted", body.length + " bytes of value and " + (headers.toArray().length - ours.toArray().length)
                    + " original headers are not copied: the dead letter would exceed " + limits.maxRecordBytes() + " bytes");
            headers = ours;
            body = new byte[0];
            if (size(key, body, headers) > limits.maxRecordBytes()) {
                key = null; // a key near the limit: the coordinates still name the record
            }
        }
        OutgoingKafkaRecordMetadata<Object> metadata = OutgoingKafkaRecordMetadata.builder()
                .withTopic(deadLetterTopic)
                .withKey(key)
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(body).addMetadata(metadata)).invoke(() -> counter.count(function, countedAs));
    }

    private static long size(Object key, byte[] value, Headers headers) {
        long keyLength = key instanceof byte[] bytes ? bytes.length : key == null ? 0 : key.toString().getBytes(StandardCharsets.UTF_8).length;
        long size = RECORD_OVERHEAD_BYTES + keyLength + value.length;
        for (Header h : headers) {
            size += HEADER_OVERHEAD_BYTES + h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    /** At most {@code max-violations} entries, each field and message cut short; a last entry counts the rest. */
    private String violationsJson(List<Violation> violations) {
        int max = limits.maxViolations();
        List<Violation> bounded = new ArrayList<>(Math.min(violations.size(), max) + 1);
        for (int i = 0; i < violations.size() && i < max; i++) {
            Violation v = violations.get(i);
            bounded.add(new Violation(oneLine(v.field(), MAX_FIELD_CHARS), oneLine(v.message(), limits.maxReasonChars())));
        }
        if (violations.size() > max) {
            bounded.add(new Violation("event", "and " + (violations.size() - max) + " more violations"));
        }
        try {
            return mapper.writeValueAsString(bounded);
        } catch (JsonProcessingException e) {
            return "[]";
        }
    }

    /** The text on one line (control characters as spaces), cut to {@code max} characters with an ellipsis. */
    static String oneLine(String text, int max) {
        if (text == null) {
            return "";
        }
        int length = Math.min(text.length(), max);
        StringBuilder line = new StringBuilder(length + 1);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            line.append(c < 0x20 || c == 0x7F ? ' ' : c);
        }
        if (text.length() > max) {
            // Do not leave half a surrogate pair at the cut.
            if (Character.isHighSurrogate(line.charAt(line.length() - 1))) {
                line.setLength(line.length() - 1);
            }
            line.append('…');
        }
        return line.toString();
    }

    private static void header(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
