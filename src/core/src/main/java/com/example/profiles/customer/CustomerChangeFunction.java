package com.example.profiles.customer;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

import com.example.profiles.core.EventClock;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.EventIntake.Decoded;
import com.example.profiles.core.EventMeta;
import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.JsonProblems;
import com.example.profiles.core.ProfileEventFunction;
import com.example.profiles.store.ProfileScript;
import com.example.profiles.core.ProfileSettings;
import com.example.profiles.core.ProfileUpdate;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The customer-change function: Debezium change events of the customers table
 * ({@code com.example.customers.changed.v1} on Knative, where the data is the Debezium JSON; plain
 * Debezium records on the Kafka topic). c, u and r set the customer attributes of the allow-listed
 * columns, converted to readable text ({@link DebeziumValues}; personal columns only as keyed
 * hashes); d erases what the profile learned up to the delete (erasure-lib.lua). Changes are
 * ordered by their log position (lsn, then txId). Tombstones are ignored.
 */
@ApplicationScoped
public class CustomerChangeFunction implements ProfileEventFunction<DebeziumChange> {

    public static final String NAME = "customer";
    /** The script this function's updates run; public so tools (the benchmark) load and call it without CDI. */
    public static final ProfileScript SCRIPT = ProfileScript.update("customer", "cart-lib", "erasure-lib");
    private static final Logger LOG = Logger.getLogger(CustomerChangeFunction.class);

    private final CustomerSettings settings;
    private final EventClock clock;
    private final KeyedHash hash;
    private final ObjectMapper mapper;
    private final EventIntake intake;
    private final int maxPayloadBytes;
    private final CustomerColumns columns;
    private final DebeziumValues values;
    private final MeterRegistry registry;
    private final Map<String, Counter> longValues = new ConcurrentHashMap<>();

    public CustomerChangeFunction(CustomerSettings settings, EventClock clock, KeyedHash hash, ObjectMapper mapper,
            EventIntake intake, ProfileSettings profileSettings, CustomerColumns columns, MeterRegistry registry) {
        this.settings = settings;
        this.columns = columns;
        this.registry = registry;
        this.values = new DebeziumValues(settings.unavailableValuePlaceholder());
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
        } catch (JsonProcessingException e) {
            // JsonProblems never quotes the input, which may be personal data.
            throw new InvalidEventException(List.of(JsonProblems.violation(e)));
        } catch (IOException e) {
            throw new InvalidEventException("data", "is not valid JSON");
        }
    }

    /**
     * Binds the change (unwrapping {@code schemas.enable=true}'s payload, whose schema gives the
     * columns' types). Its identity is its position in the database log, so the same change
     * re-emitted by Debezium (after a connector restart, with a new Kafka offset or CloudEvent id)
     * is recognised as a duplicate.
     */
    public Decoded<DebeziumChange> fromJson(JsonNode json, EventMeta transport) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return new Decoded<>(null, transport);
        }
        boolean wrapped = json.has("payload") && json.has("schema");
        JsonNode envelope = wrapped ? json.get("payload") : json;
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
        if (wrapped) {
            change = change.withColumnTypes(ColumnType.of(json.get("schema"), "d".equals(change.op()) ? "before" : "after"));
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
        String userId = change.row().get(settings.idColumn()).asText();
        List<String> args = new ArrayList<>();
        args.add(change.op());
        args.add(position(source));
        if ("d".equals(change.op())) {
            // A delete needs only the key: nothing else of before is read.
            args.add("0");
            args.add("0");
            return new ProfileUpdate(userId, NAME, eventTime, SCRIPT, args, position(source));
        }
        Attributes attributes = attributes(change, meta);
        args.add(Integer.toString(attributes.set.size() / 2));
        args.addAll(attributes.set);
        args.add(Integer.toString(attributes.removed.size()));
        args.addAll(attributes.removed);
        args.addAll(attributes.unchanged);
        return new ProfileUpdate(userId, NAME, eventTime, SCRIPT, args);
    }

    /** What a change does to the attributes, in customer.lua's terms. */
    private static final class Attributes {
        /** attribute, value pairs to set */
        final List<String> set = new ArrayList<>();
        /** attributes to remove: null columns, values too long to keep */
        final List<String> removed = new ArrayList<>();
        /** attributes the change leaves as they are (Debezium's placeholder for a value it could not read) */
        final List<String> unchanged = new ArrayList<>();
    }

    /** The allow-listed columns of {@code after} as attributes: converted to text, hashed, cut or left out. */
    private Attributes attributes(DebeziumChange change, EventMeta meta) {
        Attributes attributes = new Attributes();
        Map<String, String> attributeColumns = new HashMap<>();
        for (Map.Entry<String, JsonNode> column : change.after().entrySet()) {
            CustomerColumns.Attribute attribute = columns.of(column.getKey());
            if (attribute == null) {
                continue; // not on the allow-list (the id column is never on it)
            }
            String other = attributeColumns.put(attribute.name(), column.getKey());
            if (other != null) {
                throw new InvalidEventException("after", "columns " + other + " and " + column.getKey() + " would both be stored as "
                        + attribute.name() + " (column names are matched case-insensitively)");
            }
            JsonNode value = column.getValue();
            if (value == null || value.isNull()) {
                attributes.removed.add(attribute.name());
            } else if (values.isUnavailable(value)) {
                attributes.unchanged.add(attribute.name());
            } else {
                String text = values.text("after." + column.getKey(), value, typeOf(change, column.getKey()));
                String stored = attribute.hashed() ? hash.of(text) : kept(column.getKey(), text, meta);
                if (stored == null) {
                    attributes.removed.add(attribute.name());
                } else {
                    attributes.set.add(attribute.name());
                    attributes.set.add(stored);
                }
            }
        }
        return attributes;
    }

    /** A clear-text value as stored: whole, cut to the limit, or null when too long to keep (counted and logged). */
    private String kept(String column, String text, EventMeta meta) {
        int length = text.codePointCount(0, text.length());
        if (length <= settings.maxValueLength()) {
            return text;
        }
        longValue(column, length, meta);
        if (settings.longValues() == CustomerSettings.LongValues.SKIP) {
            return null;
        }
        return text.substring(0, text.offsetByCodePoints(0, settings.maxValueLength()));
    }

    /** The column's type: from the record's schema, else the configured hint for schemaless JSON, else unknown (null). */
    private ColumnType typeOf(DebeziumChange change, String column) {
        ColumnType type = change.columnTypes().get(column);
        if (type != null) {
            return type;
        }
        return columns.declaredType(column);
    }

    /** A value too long to keep: counted and logged by column, never with the value. */
    private void longValue(String column, int length, EventMeta meta) {
        String action = settings.longValues().name().toLowerCase(Locale.ROOT);
        longValues.computeIfAbsent(column, c -> Counter.builder("profile.customer.long.values")
                .description("Customer column values longer than profiles.customer.max-value-length, skipped or cut")
                .tag("column", c)
                .tag("action", action)
                .register(registry)).increment();
        LOG.warnf("customer change %s: column %s is %d characters, more than profiles.customer.max-value-length (%d): %s",
                meta.id(), column, length, settings.maxValueLength(), settings.longValues() == CustomerSettings.LongValues.SKIP
                        ? "not stored (the attribute is removed), the other columns are" : "cut to that length");
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
}
