package com.example.profiles.customer;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The customer-change function fed with real captured Debezium change events (PostgreSQL
 * connector, JSON converter) from the test resources' {@code fixtures/debezium} (provenance in its
 * README): plain Debezium JSON on the Kafka topic, or the data of a
 * {@code com.example.customers.changed.v1} CloudEvent over HTTP.
 * The samples' integer ids (1 and 5) are replaced in a copy by a fresh id per test, so tests never
 * share a profile, whatever else ran against the same Redis.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class CustomerChangeIT {

    static final String TYPE = "com.example.customers.changed.v1";
    static final String TOPIC = "shop.public.customers";
    static final String DLQ = "shop.public.customers.dlq";
    static final String GROUP = "profile-functions-customer";
    static final String FIXTURES = "/fixtures/debezium/";
    /** profiles.customer.hash-key in the test profile (application.properties), unless overridden. */
    static final String HASH_KEY = System.getenv().getOrDefault("PROFILE_HASH_KEY", "local-development-key-not-secret");
    static final Duration WAIT = Duration.ofSeconds(20);

    static final String SNAPSHOT_READ = "customers-snapshot-read.json";
    static final String INSERT = "customers-insert.json";
    static final String UPDATE_DEFAULT = "customers-update-default-replica-identity.json";
    static final String UPDATE_WITH_BEFORE = "customers-update-with-before.json";
    static final String DELETE = "customers-delete.json";

    @InjectInfrastructure
    Infrastructure infrastructure;

    KafkaEvents kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers());
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    // --- the captured samples, in the order Debezium emitted them, via Kafka

    @Test
    void theCapturedSamplesInSequenceViaKafka() {
        String seed = uniqueId();
        String ann = uniqueId();

        // r: a snapshot read of customer 1, alone.
        send(seed, sample(SNAPSHOT_READ, seed));
        await().atMost(WAIT).until(() -> profile(seed).containsKey("customer:position"));
        assertThat(profile(seed))
                .containsEntry("customer:tier", "silver")
                .containsEntry("customer:city", "Oslo")
                .containsEntry("customer:email_hash", hmac("seed@example.com"))
                .containsEntry("customer:updated_at", "2026-11-26T01:52:17.532365Z")
                .containsEntry("customer:op", "r")
                .containsEntry("customer:position", position(26383824, 749))
                .containsEntry("src:customer:event_at", "1795658032406");

        // c: customer 5 is created.
        send(ann, sample(INSERT, ann));
        await().atMost(WAIT).until(() -> profile(ann).containsKey("customer:position"));
        Map<String, String> created = profile(ann);
        assertThat(created)
                .containsEntry("customer:tier", "gold")
                .containsEntry("customer:city", "Bergen")
                .containsEntry("customer:op", "c")
                .containsEntry("src:customer:event_at", "1795658034261")
                .doesNotContainKey("customer:email")
                .doesNotContainKey("customer:id");
        assertThat(created.get("customer:email_hash")).matches("[0-9a-f]{64}").isEqualTo(hmac("ann@example.com"));
        assertNoTraceOf(ann, "ann@example.com");
        String afterInsert = created.get("customer:position");

        // u (default replica identity, before is null): tier platinum.
        send(ann, sample(UPDATE_DEFAULT, ann));
        await().atMost(WAIT).until(() -> "u".equals(profile(ann).get("customer:op")));
        Map<String, String> upgraded = profile(ann);
        assertThat(upgraded)
                .containsEntry("customer:tier", "platinum")
                .containsEntry("customer:city", "Bergen")
                .containsEntry("customer:email_hash", hmac("ann@example.com"));
        String afterFirstUpdate = upgraded.get("customer:position");
        assertThat(afterFirstUpdate).isGreaterThan(afterInsert);

        // u (with before): she moved to Trondheim.
        send(ann, sample(UPDATE_WITH_BEFORE, ann));
        await().atMost(WAIT).until(() -> "Trondheim".equals(profile(ann).get("customer:city")));
        Map<String, String> moved = profile(ann);
        assertThat(moved)
                .containsEntry("customer:tier", "platinum")
                .containsEntry("customer:position", position(26384760, 753))
                .containsEntry("src:customer:event_at", "1795658034667");
        assertThat(moved.get("customer:position")).isGreaterThan(afterFirstUpdate);
        assertNoTraceOf(ann, "ann@example.com");

        // d: right to erasure. Only the tombstone stays, without personal data, and it expires.
        send(ann, sample(DELETE, ann));
        await().atMost(WAIT).until(() -> !exists(key(ann)));
        assertThat(keysOf(ann)).containsExactly(key(ann) + ":erased");
        Map<String, String> erased = hash(key(ann) + ":erased");
        assertThat(erased).isEqualTo(Map.of("event_at", "1795658034904", "position", position(26384984, 754)));
        assertThat((Long) RedisCommands.call(redis(), "PTTL", key(ann) + ":erased")).isPositive();
        given().get("/profiles/" + ann).then().statusCode(404);

        // The (older) update delivered again: nothing comes back.
        RecordMetadata replay = send(ann, sample(UPDATE_WITH_BEFORE, ann));
        awaitConsumedPast(replay);
        assertThat(exists(key(ann))).isFalse();
        assertThat(keysOf(ann)).containsExactly(key(ann) + ":erased");
        assertThat(hash(key(ann) + ":erased")).isEqualTo(erased);

        // Nor does a purchase that happened before the erasure.
        Instant beforeErasure = Instant.ofEpochMilli(Math.min(1795658034904L, System.currentTimeMillis()) - 60_000);
        postBinary(PURCHASE_TYPE, newId(), "/test/checkout", null, json(purchase(ann, beforeErasure)))
                .statusCode(200)
                .body("status", equalTo("STALE"))
                .body("duplicate", equalTo(false));
        assertThat(exists(key(ann))).isFalse();
        assertThat(keysOf(ann)).containsExactly(key(ann) + ":erased");
    }

    @Test
    void theSchemaWrappedFormWorksTheSame() {
        String user = uniqueId();

        send(user, wrapped(sample(INSERT, user)));
        await().atMost(WAIT).until(() -> profile(user).containsKey("customer:position"));
        assertThat(profile(user))
                .containsEntry("customer:tier", "gold")
                .containsEntry("customer:city", "Bergen")
                .containsEntry("customer:email_hash", hmac("ann@example.com"))
                .containsEntry("customer:position", position(26383864, 750));

        postBinary(TYPE, newId(), "/test/debezium", null, json(wrapped(sample(UPDATE_DEFAULT, user))))
                .statusCode(200)
                .body("status", equalTo("APPLIED"))
                .body("userId", equalTo(user));
        assertThat(profile(user)).containsEntry("customer:tier", "platinum").containsEntry("customer:position", position(26384152, 751));

        send(user, wrapped(sample(DELETE, user)));
        await().atMost(WAIT).until(() -> !exists(key(user)));
        assertThat(keysOf(user)).containsExactly(key(user) + ":erased");
        assertNoTraceOf(user, "ann@example.com");
    }

    @Test
    void aTombstoneIsAcknowledgedAndIgnored() {
        String user = uniqueId();
        send(user, sample(INSERT, user));

        RecordMetadata tombstone = kafka.sendRaw(TOPIC, debeziumKey(user), null);
        send(user, sample(UPDATE_DEFAULT, user));

        await().atMost(WAIT).until(() -> "platinum".equals(profile(user).get("customer:tier")));
        assertThat(profile(user)).containsEntry("customer:city", "Bergen").containsEntry("version", "2");
        // Acknowledged: the consumer commits past it.
        await().atMost(WAIT).until(() -> kafka.committedOffset(GROUP, TOPIC) > tombstone.offset());
        assertThat(kafka.readAll(DLQ, Duration.ofSeconds(1)))
                .noneMatch(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(debeziumKey(user)));
    }

    // --- ordering by the position in the database log

    @Test
    void anOlderChangeArrivingAfterANewerOneIsSkippedViaKafka() {
        String user = uniqueId();
        send(user, sample(INSERT, user));
        send(user, sample(UPDATE_WITH_BEFORE, user)); // lsn 26384760: Trondheim
        RecordMetadata older = send(user, sample(UPDATE_DEFAULT, user)); // lsn 26384152: Bergen
        awaitConsumedPast(older);

        assertThat(profile(user))
                .containsEntry("customer:city", "Trondheim")
                .containsEntry("customer:tier", "platinum")
                .containsEntry("customer:position", position(26384760, 753))
                .containsEntry("version", "2");
    }

    @Test
    void anOlderChangeArrivingAfterANewerOneIsStaleOverHttp() {
        String user = uniqueId();
        postEvent(sample(UPDATE_WITH_BEFORE, user)).statusCode(200).body("status", equalTo("APPLIED")).body("profileVersion", equalTo(1));
        Map<String, String> before = profile(user);

        postEvent(sample(UPDATE_DEFAULT, user))
                .statusCode(200)
                .body("status", equalTo("STALE"))
                .body("profileVersion", equalTo(1));
        postEvent(sample(INSERT, user)).statusCode(200).body("status", equalTo("STALE"));
        assertThat(profile(user)).isEqualTo(before).containsEntry("customer:city", "Trondheim");
    }

    // --- the HTTP path

    @Test
    void overHttpACloudEventWrappingAChangeIsAppliedAndReadable() {
        String user = uniqueId();
        postEvent(sample(INSERT, user))
                .statusCode(200)
                .body("status", equalTo("APPLIED"))
                .body("userId", equalTo(user))
                .body("duplicate", equalTo(false))
                .body("profileVersion", equalTo(1));

        given().get("/profiles/" + user).then()
                .statusCode(200)
                .body("customer.attributes.tier", equalTo("gold"))
                .body("customer.attributes.city", equalTo("Bergen"))
                .body("customer.attributes.email_hash", equalTo(hmac("ann@example.com")))
                .body("customer.position", equalTo(position(26383864, 750)))
                .body("freshness.customer.eventAt", equalTo(1795658034261L));
        assertNoTraceOf(user, "ann@example.com");

        // Debezium re-emitting the same change (a new CloudEvent id) is recognised by its log position.
        postEvent(sample(INSERT, user)).statusCode(200).body("status", equalTo("DUPLICATE")).body("duplicate", equalTo(true));
    }

    // --- invalid changes

    static Stream<Arguments> invalidChanges() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("unknown op t", "op", edit(c -> c.put("op", "t"))));
        cases.add(Arguments.of("op u with after null", "after", edit(c -> c.putNull("after"))));
        cases.add(Arguments.of("missing source", "source", edit(c -> c.remove("source"))));
        cases.add(Arguments.of("source.lsn missing", "source.lsn", edit(c -> ((ObjectNode) c.get("source")).remove("lsn"))));
        cases.add(Arguments.of("a change of the orders table", "source.table", edit(c -> ((ObjectNode) c.get("source")).put("table", "orders"))));
        cases.add(Arguments.of("after.id missing", "after.id", edit(c -> ((ObjectNode) c.get("after")).remove("id"))));
        cases.add(Arguments.of("source.lsn as text", "source.lsn", edit(c -> ((ObjectNode) c.get("source")).put("lsn", "ann@example.com"))));
        cases.add(Arguments.of("after.id an object", "after.id", edit(c -> ((ObjectNode) c.get("after")).putObject("id").put("x", 1))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidChanges")
    void anInvalidChangeIsRefusedWith400NamingTheFieldAndChangesNothing(String name, String field, Consumer<ObjectNode> breakIt) {
        String user = uniqueId();
        postEvent(sample(INSERT, user)).statusCode(200).body("status", equalTo("APPLIED"));
        Map<String, String> before = profile(user);

        ObjectNode bad = sample(UPDATE_WITH_BEFORE, user);
        breakIt.accept(bad);
        postEvent(bad)
                .statusCode(400)
                .body("error", equalTo("invalid event"))
                .body("violations.field", hasItem(field));

        assertThat(profile(user)).isEqualTo(before);
        assertThat(RedisCommands.call(redis(), "ZCARD", key(user) + ":applied")).isEqualTo(1L);
    }

    @Test
    void dataThatIsAJsonArrayOrMalformedJsonIsRefusedWith400OverHttp() {
        String user = uniqueId();
        ArrayNode array = CloudEvents.JSON.createArrayNode().add(sample(INSERT, user));
        postBinary(TYPE, newId(), "/test/debezium", null, json(array))
                .statusCode(400)
                .body("violations.field", hasItem("data"));
        postBinary(TYPE, newId(), "/test/debezium", null, "{\"op\": \"c\", \"after\": {\"id\": \"" + user + "\"")
                .statusCode(400)
                .body("violations.field", hasItem("data"));
        assertThat(keysOf(user)).isEmpty();
    }

    @Test
    void invalidRecordsOnKafkaAreDeadLetteredWithTheirReasonAndNothingIsWritten() {
        String user = uniqueId();
        send(user, sample(INSERT, user));
        await().atMost(WAIT).until(() -> profile(user).containsKey("customer:position"));
        Map<String, String> before = profile(user);

        Map<String, String> expectedReasons = new LinkedHashMap<>();
        Map<String, byte[]> values = new LinkedHashMap<>();
        values.put("op-t", bytes(withChange(sample(UPDATE_WITH_BEFORE, user), c -> c.put("op", "t"))));
        expectedReasons.put("op-t", "op: must be c, u, d or r");
        values.put("no-source", bytes(withChange(sample(UPDATE_WITH_BEFORE, user), c -> c.remove("source"))));
        expectedReasons.put("no-source", "source: must not be null");
        values.put("no-lsn", bytes(withChange(sample(UPDATE_WITH_BEFORE, user), c -> ((ObjectNode) c.get("source")).remove("lsn"))));
        expectedReasons.put("no-lsn", "source.lsn: is required");
        values.put("orders", bytes(withChange(sample(UPDATE_WITH_BEFORE, user), c -> ((ObjectNode) c.get("source")).put("table", "orders"))));
        expectedReasons.put("orders", "source.table: is not the table this function takes");
        values.put("no-after", bytes(withChange(sample(UPDATE_WITH_BEFORE, user), c -> c.putNull("after"))));
        expectedReasons.put("no-after", "after: is required for op u");
        values.put("lsn-text", bytes(withChange(sample(UPDATE_WITH_BEFORE, user),
                c -> ((ObjectNode) c.get("source")).put("lsn", "leak@example.com"))));
        expectedReasons.put("lsn-text", "source.lsn: must be a whole number");
        values.put("array", json(CloudEvents.JSON.createArrayNode().add(sample(UPDATE_WITH_BEFORE, user))).getBytes(StandardCharsets.UTF_8));
        expectedReasons.put("array", "data: is not a Debezium change event");
        values.put("malformed", "{\"op\": \"u\", \"after\": {\"email\": leak@example.com".getBytes(StandardCharsets.UTF_8));
        expectedReasons.put("malformed", "data: is not valid JSON (line 1, column");

        String prefix = "bad-" + newId() + "-";
        RecordMetadata last = null;
        for (Map.Entry<String, byte[]> value : values.entrySet()) {
            last = kafka.sendRaw(TOPIC, prefix + value.getKey(), value.getValue());
        }
        awaitConsumedPast(last);

        assertThat(profile(user)).isEqualTo(before);
        assertThat(RedisCommands.call(redis(), "ZCARD", key(user) + ":applied")).isEqualTo(1L);

        Map<String, ConsumerRecord<byte[], byte[]>> dead = await().atMost(WAIT).until(() -> {
            Map<String, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(DLQ, Duration.ofMillis(500))) {
                String k = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                if (k.startsWith(prefix)) {
                    found.put(k.substring(prefix.length()), r);
                }
            }
            return found;
        }, found -> found.size() == values.size());
        expectedReasons.forEach((name, reason) -> {
            ConsumerRecord<byte[], byte[]> record = dead.get(name);
            assertThat(KafkaEvents.header(record, "dead-letter-reason")).as(name).contains(reason)
                    // one line, naming fields, never the values
                    .doesNotContain("\n").doesNotContain("leak@").doesNotContain("orders").doesNotContain("Source:");
            assertThat(KafkaEvents.header(record, "dead-letter-violations")).as(name).doesNotContain("leak@");
            assertThat(KafkaEvents.header(record, "dead-letter-function")).as(name).isEqualTo("customer");
            assertThat(KafkaEvents.header(record, "dead-letter-topic")).as(name).isEqualTo(TOPIC);
            assertThat(record.value()).as(name).isEqualTo(values.get(name));
        });
    }

    // --- helpers

    /** A fresh user id, valid as a profile id, that no other test (or earlier run) uses. */
    private static String uniqueId() {
        return "c-" + newId();
    }

    /** A copy of a captured sample with before.id and after.id (where present) replaced by {@code id}. */
    static ObjectNode sample(String name, String id) {
        try (java.io.InputStream in = CustomerChangeIT.class.getResourceAsStream(FIXTURES + name)) {
            if (in == null) {
                throw new IllegalStateException(FIXTURES + name + " is not on the test class path");
            }
            ObjectNode change = (ObjectNode) CloudEvents.JSON.readTree(in);
            for (String side : List.of("before", "after")) {
                if (change.get(side) instanceof ObjectNode row) {
                    row.put("id", id);
                }
            }
            return change;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + FIXTURES + name, e);
        }
    }

    /** The change as the JSON converter writes it with schemas.enable=true. */
    static ObjectNode wrapped(ObjectNode change) {
        ObjectNode envelope = CloudEvents.JSON.createObjectNode();
        ObjectNode schema = envelope.putObject("schema");
        schema.put("type", "struct");
        schema.put("optional", false);
        schema.put("name", "spike.public.customers.Envelope");
        schema.put("version", 2);
        schema.putArray("fields").addObject().put("type", "string").put("optional", false).put("field", "op");
        envelope.set("payload", change);
        return envelope;
    }

    private static ObjectNode withChange(ObjectNode change, Consumer<ObjectNode> edit) {
        edit.accept(change);
        return change;
    }

    private static Consumer<ObjectNode> edit(Consumer<ObjectNode> edit) {
        return edit;
    }

    /** The Kafka key Debezium writes for a row: its primary key as JSON. */
    private static String debeziumKey(String user) {
        return "{\"id\":\"" + user + "\"}";
    }

    private RecordMetadata send(String user, JsonNode change) {
        return kafka.sendRaw(TOPIC, debeziumKey(user), bytes(change));
    }

    private static byte[] bytes(JsonNode change) {
        return json(change).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Waits until the consumer has processed the record: the topic has one partition, so a valid
     * change of a marker user sent after it being applied means everything before it was handled.
     */
    private void awaitConsumedPast(RecordMetadata record) {
        String marker = uniqueId();
        RecordMetadata sent = send(marker, sample(INSERT, marker));
        assertThat(sent.offset()).isGreaterThan(record.offset());
        await().atMost(WAIT).until(() -> profile(marker).containsKey("customer:position"));
    }

    private static io.restassured.response.ValidatableResponse postEvent(JsonNode change) {
        return postBinary(TYPE, newId(), "/test/debezium", null, json(change));
    }

    /** HMAC-SHA256 of the trimmed, lower-cased value, as hex: what the profile may hold of personal data. */
    static String hmac(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HASH_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(value.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String position(long lsn, long txId) {
        return String.format("%020d:%020d", lsn, txId);
    }

    /** A purchase of one 10.00 EUR item at the given time. */
    private static Map<String, Object> purchase(String user, Instant occurredAt) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "A");
        item.put("category", "books");
        item.put("quantity", 1);
        item.put("unitPrice", new BigDecimal("10.00"));
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", "o-" + newId());
        order.put("occurredAt", occurredAt.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(item));
        order.put("total", new BigDecimal("10.00"));
        return order;
    }

    private static String key(String user) {
        return "profile:{" + user + "}";
    }

    private String redis() {
        return infrastructure.redis().uri();
    }

    private boolean exists(String key) {
        return (Long) RedisCommands.call(redis(), "EXISTS", key) == 1L;
    }

    private Map<String, String> hash(String key) {
        return new HashMap<>(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", key)));
    }

    private Map<String, String> profile(String user) {
        return hash(key(user));
    }

    /** Every key of the user (all carry the hash tag {user}), found with SCAN. */
    @SuppressWarnings("unchecked")
    private List<String> keysOf(String user) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            List<Object> reply = (List<Object>) RedisCommands.call(redis(), "SCAN", cursor, "MATCH", "profile:\\{" + user + "\\}*", "COUNT", "1000");
            cursor = (String) reply.get(0);
            ((List<Object>) reply.get(1)).forEach(k -> keys.add((String) k));
        } while (!cursor.equals("0"));
        return keys;
    }

    /** Asserts that no key, field, member or value of any of the user's keys contains {@code text} (case-insensitive). */
    @SuppressWarnings("unchecked")
    private void assertNoTraceOf(String user, String text) {
        List<String> keys = keysOf(user);
        assertThat(keys).isNotEmpty();
        for (String key : keys) {
            String type = (String) RedisCommands.call(redis(), "TYPE", key);
            Object content = switch (type) {
                case "hash" -> RedisCommands.call(redis(), "HGETALL", key);
                case "zset" -> RedisCommands.call(redis(), "ZRANGE", key, "0", "-1", "WITHSCORES");
                case "set" -> RedisCommands.call(redis(), "SMEMBERS", key);
                case "list" -> RedisCommands.call(redis(), "LRANGE", key, "0", "-1");
                case "string" -> List.of(RedisCommands.call(redis(), "GET", key));
                default -> throw new AssertionError(key + " has an unexpected type " + type);
            };
            assertThat(key.toLowerCase(Locale.ROOT)).doesNotContain(text.toLowerCase(Locale.ROOT));
            for (Object element : (List<Object>) content) {
                assertThat(String.valueOf(element).toLowerCase(Locale.ROOT)).as("an element of " + key).doesNotContain(text.toLowerCase(Locale.ROOT));
            }
        }
    }
}
