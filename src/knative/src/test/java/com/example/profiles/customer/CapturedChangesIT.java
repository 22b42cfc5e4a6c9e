package com.example.profiles.customer;

import static com.example.profiles.customer.CustomerChangeIT.hmac;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.CloudEvents;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Records captured from real Kafka Connect + Debezium runs (test resources' {@code fixtures/}, see
 * its README), each applied through the function as it came off the topic (its id replaced by a
 * fresh one) and the stored attributes checked: every logical type with and without schemas, the
 * TOAST placeholder, long values, a delete with a long {@code before}.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class CapturedChangesIT {

    static final String TYPE = "com.example.customers.changed.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    /** cust-101 as the snapshot read it, in the readable forms docs/contracts.md documents. */
    static Map<String, String> snapshotRowOfEveryType() {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("email_hash", hmac("ola@example.com"));
        row.put("first_name", "Ola");
        row.put("city", "Oslo");
        row.put("tier", "bronze");
        row.put("marketing_opt_in", "false");
        row.put("updated_at", "2026-11-20T08:00:00.000000Z");
        row.put("credit_limit", "215.05");
        row.put("preferences", "{\"lang\": \"nb\"}");
        row.put("birth_date", "1985-12-31");
        row.put("last_login_at", "2026-11-19T21:45:00.500");
        row.put("last_login_ms", "2026-11-19T21:45:00.500");
        row.put("contact_time", "17:05");
        row.put("external_ref", "a3bb189e-8bf9-3888-9912-ace4e6543002");
        row.put("settings", "[1, 2, 3]");
        row.put("avatar", "deadbeef");
        row.put("loyalty_points", "7");
        return row;
    }

    @Test
    void everyLogicalTypeWithTheSchemaIsStoredReadable() {
        String user = uniqueId();
        post(typed(0, user)).statusCode(200).body("status", equalTo("APPLIED"));
        // notes is null in the row: no attribute.
        assertThat(attributes(user)).isEqualTo(snapshotRowOfEveryType());
    }

    @Test
    void everyCapturedRecordInTheOrderOfItsTopicThroughKafka() {
        for (String run : List.of("typed", "plain", "plaindbl")) {
            // The capture's three rows, each under a fresh id; tombstones (null values) included.
            Map<String, String> ids = Map.of("cust-101", uniqueId(), "cust-102", uniqueId(), "cust-201", uniqueId());
            try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
                for (int offset = 0; offset <= 10; offset++) {
                    JsonNode record = read("/fixtures/debezium-types/" + run + ".public.customers-" + offset + ".json");
                    JsonNode key = record.get("key");
                    String original = (key.has("payload") ? key.get("payload") : key).get("id").asText();
                    String id = ids.get(original);
                    JsonNode value = record.get("value").isNull() ? null : capture(run, offset, id);
                    kafka.sendRaw("shop.public.customers", "{\"id\":\"" + id + "\"}", value == null ? null : json(value).getBytes(UTF_8));
                }
            }
            // cust-101: read, updated and deleted under FULL; cust-201: inserted, updated and deleted
            // under DEFAULT; cust-102: a row of nulls.
            await().atMost(Duration.ofSeconds(30)).until(() -> exists(key(ids.get("cust-101")) + ":erased")
                    && exists(key(ids.get("cust-201")) + ":erased") && exists(key(ids.get("cust-102"))));
            assertThat(exists(key(ids.get("cust-101")))).as(run).isFalse();
            assertThat(exists(key(ids.get("cust-201")))).as(run).isFalse();
            assertThat(attributes(ids.get("cust-102"))).as(run).isEmpty();
            assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", key(ids.get("cust-102")))))
                    .as(run).containsEntry("customer:op", "r").containsKey("customer:position");
        }
    }

    @Test
    void anUpdateUnderReplicaIdentityFull() {
        String user = uniqueId();
        post(typed(0, user)).statusCode(200);
        post(typed(8, user)).statusCode(200).body("status", equalTo("APPLIED"));
        Map<String, String> expected = new HashMap<>(snapshotRowOfEveryType());
        expected.put("tier", "silver");
        expected.put("last_login_at", "2026-11-26T07:00:00.000001");
        assertThat(attributes(user)).isEqualTo(expected);
        post(typed(9, user)).statusCode(200).body("status", equalTo("ERASED"));
        assertThat(exists(key(user))).isFalse();
    }

    @Test
    void withoutSchemasTheDocumentedConnectorModesGiveTheSameForms() {
        // decimal.handling.mode=string; the time columns are named in profiles.customer.column-types
        // (test profile); bytea in the default bytes mode arrives as base64 and is stored as sent.
        String plain = uniqueId();
        post(capture("plain", 0, plain)).statusCode(200).body("status", equalTo("APPLIED"));
        Map<String, String> expected = new HashMap<>(snapshotRowOfEveryType());
        expected.put("avatar", "3q2+7w==");
        assertThat(attributes(plain)).isEqualTo(expected);

        // decimal.handling.mode=double, binary.handling.mode=hex: decimals as plain decimal text of the double.
        String doubles = uniqueId();
        post(capture("plaindbl", 0, doubles)).statusCode(200).body("status", equalTo("APPLIED"));
        expected = new HashMap<>(snapshotRowOfEveryType());
        expected.put("loyalty_points", "7.0");
        assertThat(attributes(doubles)).isEqualTo(expected);
    }

    @Test
    void anInsertOfEveryTypeWithAndWithoutSchemas() {
        for (String run : List.of("typed", "plain", "plaindbl")) {
            String user = uniqueId();
            post(capture(run, 2, user)).statusCode(200).body("status", equalTo("APPLIED"));
            Map<String, String> stored = attributes(user);
            assertThat(stored).as(run)
                    .containsEntry("email_hash", hmac("kari.nordmann@example.com"))
                    .containsEntry("credit_limit", run.equals("plaindbl") ? "1234.5" : "1234.50")
                    .containsEntry("loyalty_points", "42.125")
                    .containsEntry("birth_date", "1990-02-28")
                    .containsEntry("last_login_at", "2026-11-25T18:30:15.654321")
                    .containsEntry("last_login_ms", "2026-11-25T18:30:15.654")
                    .containsEntry("contact_time", "09:30:00.250")
                    .containsEntry("updated_at", "2026-11-26T09:15:00.123456Z")
                    .containsEntry("external_ref", "6f1c2a9e-3b7d-4c55-9a0e-2d8f1b7c4e10")
                    .containsEntry("settings", "{\"newsletter\": true, \"channels\": [\"email\", \"sms\"]}")
                    .containsEntry("preferences", "{\"lang\": \"nb\", \"sizes\": [\"S\"]}")
                    .containsEntry("notes", "prefers e-mail")
                    .containsEntry("avatar", run.equals("plain") ? "iVBORw0KGgo=" : "89504e470d0a1a0a");
            assertNoClearText(user, "nordmann");
        }
    }

    @Test
    void thePlaceholderOfAnUnchangedToastedValueKeepsTheStoredValueInAnyArrivalOrder() {
        for (String run : List.of("typed", "plain", "plaindbl")) {
            // 2 inserts with short notes and avatar; 4 changes tier and city, leaving both alone.
            String user = uniqueId();
            post(capture(run, 2, user)).statusCode(200);
            post(capture(run, 4, user)).statusCode(200).body("status", equalTo("APPLIED"));
            Map<String, String> afterPlaceholders = attributes(user);
            assertThat(afterPlaceholders).as(run)
                    .containsEntry("tier", "platinum")
                    .containsEntry("city", "Tromsø")
                    .containsEntry("notes", "prefers e-mail")
                    .containsEntry("avatar", run.equals("plain") ? "iVBORw0KGgo=" : "89504e470d0a1a0a");
            assertThat(afterPlaceholders.values()).as(run).noneMatch(v -> v.contains("unavailable") || v.equals("X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="));

            // 3, which wrote the long notes and avatar between them, arrives last: its values are newer
            // than the ones 4 kept, so the profile ends as if all came in order (the long values are
            // not stored: max-value-length).
            post(capture(run, 3, user)).statusCode(200).body("status", equalTo("APPLIED"));
            String inOrder = uniqueId();
            for (int offset : new int[] { 2, 3, 4 }) {
                post(capture(run, offset, inOrder)).statusCode(200).body("status", equalTo("APPLIED"));
            }
            assertThat(attributes(user)).as(run).isEqualTo(attributes(inOrder)).doesNotContainKeys("notes", "avatar")
                    .containsEntry("tier", "platinum");

            // 5 sets three columns to null; the placeholders stay "unchanged".
            post(capture(run, 5, user)).statusCode(200).body("status", equalTo("APPLIED"));
            assertThat(attributes(user)).as(run).doesNotContainKeys("birth_date", "external_ref", "settings", "notes", "avatar")
                    .containsEntry("city", "Tromsø");
        }
    }

    @Test
    void aLongValueIsLeftOutWithACountedWarningAndTheRestOfTheChangeApplies() {
        String user = uniqueId();
        double before = longValuesCounted("notes");
        post(capture("typed", 2, user)).statusCode(200);
        post(capture("typed", 3, user)).statusCode(200).body("status", equalTo("APPLIED"));
        assertThat(attributes(user)).doesNotContainKeys("notes", "avatar").containsEntry("tier", "gold").containsEntry("first_name", "Kari");
        assertThat(longValuesCounted("notes")).isEqualTo(before + 1);

        // The shared capture's placeholder update of cust-044: a 1,015-character preferences value is
        // kept (within max-value-length), the placeholder of notes writes nothing.
        String other = uniqueId();
        post(connect("toast-placeholder-default.json", other)).statusCode(200).body("status", equalTo("APPLIED"));
        assertThat(attributes(other)).containsEntry("city", "Tromsø").containsEntry("tier", "bronze").containsEntry("credit_limit", "CFDt")
                .containsKey("preferences").doesNotContainKeys("notes", "first_name");
        assertThat(attributes(other).get("preferences")).hasSize(1015);
    }

    @Test
    void theSharedConnectCapturesDecimalsAndAnUpdate() {
        String user = uniqueId();
        post(connect("decimal-snapshot-schemas.json", user)).statusCode(200).body("status", equalTo("APPLIED"));
        assertThat(attributes(user)).containsEntry("credit_limit", "215.05").containsEntry("city", "Oslo")
                .containsEntry("preferences", "{\"n\": 1, \"lang\": \"nb\", \"sizes\": [\"M\", \"L\"]}")
                .containsEntry("email_hash", hmac("alice.cust-001@example.com"));
        post(connect("update-full-schemas.json", user)).statusCode(200).body("status", equalTo("APPLIED"));
        assertThat(attributes(user)).containsEntry("city", "Bergen").containsEntry("tier", "silver")
                .containsEntry("updated_at", "2026-11-26T10:30:38.795293Z");

        // precise mode without a schema and without a declared type: nothing says the text is a
        // Decimal, so it is text (declaring the column decimal(2) stores the number: SchemalessDecimalIT).
        String schemaless = uniqueId();
        post(connect("decimal-no-schema.json", schemaless)).statusCode(200);
        assertThat(attributes(schemaless)).containsEntry("credit_limit", "DxjE")
                .containsEntry("notes", "likes \"quotes\" and ünïcödé, line\nbreak");
    }

    @Test
    void aDeleteIsNeverRefusedForWhatItsBeforeHolds() {
        // REPLICA IDENTITY FULL: before holds a 1,500-character notes value.
        String user = uniqueId();
        post(connect("decimal-snapshot-schemas.json", user)).statusCode(200);
        post(connect("delete-long-before-full.json", user)).statusCode(200).body("status", equalTo("ERASED"));
        assertThat(exists(key(user))).isFalse();
        given().get("/profiles/" + user).then().statusCode(404);

        // REPLICA IDENTITY DEFAULT: before holds only the key.
        String other = uniqueId();
        post(capture("typed", 2, other)).statusCode(200);
        post(capture("typed", 6, other)).statusCode(200).body("status", equalTo("ERASED"));
        assertThat(exists(key(other))).isFalse();
    }

    @Test
    void hashedColumnsAreMatchedWhateverTheirCaseAndAColumnNamedLikeTheHashCannotReplaceIt() {
        String user = uniqueId();
        ObjectNode change = (ObjectNode) capture("plain", 2, user);
        ObjectNode after = (ObjectNode) change.get("after");
        after.put("EMAIL", after.remove("email").asText());
        after.put("email_hash", "clear.text@example.com");
        after.put("Email_Hash", "clear.text@example.com");
        after.put("ssn", "078-05-1120"); // a column nobody listed
        post(change).statusCode(200).body("status", equalTo("APPLIED"));
        Map<String, String> stored = attributes(user);
        assertThat(stored).containsEntry("email_hash", hmac("kari.nordmann@example.com")).doesNotContainKeys("EMAIL", "ssn", "Email_Hash");
        assertNoClearText(user, "clear.text");
        assertNoClearText(user, "078-05");
        assertNoClearText(user, "nordmann");
    }

    // --- helpers

    private static String uniqueId() {
        return "cc-" + newId();
    }

    /** A record of fixtures/debezium-types: its value (the Kafka message), the ids replaced. */
    static JsonNode capture(String run, int offset, String id) {
        return valueWithId("/fixtures/debezium-types/" + run + ".public.customers-" + offset + ".json", id);
    }

    private static JsonNode typed(int offset, String id) {
        return capture("typed", offset, id);
    }

    static JsonNode connect(String file, String id) {
        return valueWithId("/fixtures/debezium-connect/" + file, id);
    }

    private static JsonNode read(String resource) {
        try (InputStream in = CapturedChangesIT.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            return CloudEvents.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode valueWithId(String resource, String id) {
        JsonNode value = read(resource).get("value");
        JsonNode envelope = value.has("schema") ? value.get("payload") : value;
        for (String side : List.of("before", "after")) {
            if (envelope.get(side) instanceof ObjectNode row) {
                row.put("id", id);
            }
        }
        return value;
    }

    private static ValidatableResponse post(JsonNode value) {
        return postBinary(TYPE, newId(), "/test/debezium-capture", null, json(value));
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

    /** The customer attributes as stored: customer:* without the profile's own fields. */
    private Map<String, String> attributes(String user) {
        Map<String, String> attributes = new HashMap<>();
        RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", key(user))).forEach((field, value) -> {
            if (field.startsWith("customer:") && !List.of("customer:position", "customer:op", "customer:kept").contains(field)) {
                attributes.put(field.substring("customer:".length()), value);
            }
        });
        return attributes;
    }

    @SuppressWarnings("unchecked")
    private void assertNoClearText(String user, String text) {
        List<Object> keys = (List<Object>) ((List<Object>) RedisCommands.call(redis(), "SCAN", "0", "MATCH", "profile:\\{" + user + "\\}*",
                "COUNT", "1000")).get(1);
        for (Object key : keys) {
            String type = (String) RedisCommands.call(redis(), "TYPE", (String) key);
            Object content = type.equals("hash") ? RedisCommands.call(redis(), "HGETALL", (String) key)
                    : RedisCommands.call(redis(), "ZRANGE", (String) key, "0", "-1");
            assertThat(String.valueOf(content).toLowerCase(Locale.ROOT)).as(key.toString()).doesNotContain(text.toLowerCase(Locale.ROOT));
        }
    }

    /** profile_customer_long_values_total{action="skip",column=...} from /q/metrics, 0 when absent. */
    private static double longValuesCounted(String column) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("profile_customer_long_values_total\\{([^}]*)\\} ([0-9.eE+]+)").matcher(metrics);
        double total = 0;
        while (m.find()) {
            if (m.group(1).contains("column=\"" + column + "\"") && m.group(1).contains("action=\"skip\"")) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
