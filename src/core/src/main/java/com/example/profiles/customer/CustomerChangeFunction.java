package com.example.profiles.customer;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;

import com.example.profiles.core.EventClock;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.core.ProfileScript;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.ProfileUpdate;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The customer-change function: Debezium change events of the customers table
 * ({@code com.example.customers.changed.v1} on Knative, where the data is the Debezium JSON; plain
 * Debezium records on the Kafka topic). c, u and r set the customer attributes (personal columns
 * only as keyed hashes); d erases the whole profile. Changes are ordered by their log position
 * (lsn, then txId): an older change than the one applied is skipped. Tombstones are ignored.
 */
@ApplicationScoped
public class CustomerChangeFunction implements ProfileEventFunction<DebeziumChange> {

    public static final String NAME = "customer";
    private static final ProfileScript SCRIPT = ProfileScript.update("customer");

    private final CustomerSettings settings;
    private final EventClock clock;
    private final KeyedHash hash;
    private final ObjectMapper mapper;
    private final EventIntake intake;
    private final int maxPayloadBytes;

    public CustomerChangeFunction(CustomerSettings settings, EventClock clock, KeyedHash hash, ObjectMapper mapper,
            EventIntake intake, ProfileSettings profileSettings) {
        this.settings = settings;
        this.clock = clock;
        this.hash = hash;
        this.mapper = mapper;
        this.intake = intake;
        this.maxPayloadBytes = profileSettings.maxPayloadBytes();
    }

    /**
     * A Debezium record: its value is the change (or null for a tombstone); it carries no event id of
     * its own. The {@link com.example.profiles.intake.RecordDecoder} of both the Kafka consumer and
     * the Lambda MSK batch handler.
     */
    public Decoded<DebeziumChange> decodeRecord(String topic, int partition, long offset, Headers headers, byte[] key, byte[] value) {
        EventMeta recordMeta = new EventMeta(topic + "-" + partition + "-" + offset, "kafka:" + topic, eventType(), null);
        if (value == null || value.length == 0) {
            return new Decoded<>(null, recordMeta);
        }
        if (value.length > maxPayloadBytes) {
            throw new InvalidEventException("event", "the record is " + value.length + " bytes; the limit is " + maxPayloadBytes);
        }
        try {
            return fromJson(mapper.readTree(value), recordMeta);
        } catch (IOException e) {
            throw new InvalidEventException("data", "is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Binds the change (unwrapping {@code schemas.enable=true}'s payload). Its identity is its
     * position in the database log, so the same change re-emitted by Debezium (after a connector
     * restart, with a new Kafka offset or CloudEvent id) is recognised as a duplicate.
     */
    public Decoded<DebeziumChange> fromJson(JsonNode json, EventMeta transport) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return new Decoded<>(null, transport);
        }
        JsonNode envelope = json.has("payload") && json.has("schema") ? json.get("payload") : json;
        if (envelope == null || envelope.isNull()) {
            return new Decoded<>(null, transport);
        }
        if (!envelope.isObject()) {
            throw new InvalidEventException("data", "is not a Debezium change event (a JSON object)");
        }
        DebeziumChange change;
        try {
            change = mapper.treeToValue(envelope, DebeziumChange.class);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(JsonProblems.violation(e)));
        }
        DebeziumChange.Source source = change.source();
        if (source == null || source.lsn() == null) {
            return new Decoded<>(change, transport); // validation names what is missing
        }
        String id = source.table() + "@" + source.lsn() + "/" + (source.txId() == null ? 0 : source.txId());
        String origin = "debezium:" + Objects.requireNonNullElse(source.name(), "connector") + "/" + Objects.requireNonNullElse(source.db(), "db");
        return new Decoded<>(change, new EventMeta(id, origin, transport.type(), transport.time()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<DebeziumChange> dataType() {
        return DebeziumChange.class;
    }

    @Override
    public boolean ignoresEmptyEvents() {
        return true;
    }

    @Override
    public ProfileUpdate toUpdate(DebeziumChange change, EventMeta meta) {
        DebeziumChange.Source source = change.source();
        // The commit time is the event time; like any event time it may not lie in the future.
        long eventTime = clock.eventTimeMillis(Instant.ofEpochMilli(source.tsMs()), meta);
        String userId = change.row().get(settings.idColumn()).toString();
        List<String> args = new ArrayList<>();
        args.add(change.op());
        args.add(position(source));
        if ("d".equals(change.op())) {
            args.add("0");
            return new ProfileUpdate(userId, NAME, eventTime, SCRIPT, args);
        }
        List<String> set = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, Object> column : change.after().entrySet()) {
            String name = column.getKey();
            if (name.equals(settings.idColumn())) {
                continue;
            }
            boolean personal = settings.hashedColumns().contains(name);
            String field = personal ? name + "_hash" : name;
            Object value = column.getValue();
            if (value == null) {
                removed.add(field);
            } else {
                set.add(field);
                set.add(personal ? hash.of(value.toString()) : text(value));
            }
        }
        args.add(Integer.toString(set.size() / 2));
        args.addAll(set);
        args.addAll(removed);
        return new ProfileUpdate(userId, NAME, eventTime, SCRIPT, args);
    }

    private String eventType() {
        return intake.eventType(this);
    }

    /** (lsn, txId) as one string that orders correctly by plain comparison, without precision loss. */
    static String position(DebeziumChange.Source source) {
        // Built by hand: String.format was 2% of the event loops' CPU in the benchmark's profile.
        StringBuilder position = new StringBuilder(41);
        zeroPadded(position, source.lsn());
        position.append(':');
        zeroPadded(position, source.txId() == null ? 0 : source.txId());
        return position.toString();
    }

    /** {@code String.format("%020d", value)}: 20 digits, zero-padded; a negative value keeps its sign first. */
    private static void zeroPadded(StringBuilder into, long value) {
        String digits = Long.toString(value);
        int sign = value < 0 ? 1 : 0;
        if (sign == 1) {
            into.append('-');
        }
        for (int i = digits.length(); i < 20; i++) {
            into.append('0');
        }
        into.append(digits, sign, digits.length());
    }

    private String text(Object value) {
        if (value instanceof Map || value instanceof Iterable) {
            try {
                return mapper.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new InvalidEventException("after", "holds a value that cannot be stored: " + e.getOriginalMessage());
            }
        }
        return value.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
