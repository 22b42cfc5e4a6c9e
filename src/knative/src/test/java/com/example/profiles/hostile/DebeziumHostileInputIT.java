package com.example.profiles.hostile;

import static com.example.profiles.hostile.HostileHttp.newId;
import static com.example.profiles.hostile.HostileKafka.bytes;
import static com.example.profiles.hostile.HostileKafka.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.hostile.HostileKafka.Hostile;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.testing.RedisSnapshot;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Hostile input on the Debezium topic of the customers table (plain Debezium JSON records, as the
 * PostgreSQL connector writes them): malformed envelopes, JSON of the wrong shape, log positions
 * and commit times that are not numbers, out of range or outside the time window, ids and names
 * with control characters. Every one is dead-lettered with a bounded one-line reason naming its
 * field, none stops the channel, and the customer's profile in Redis is exactly as it was.
 * (Debezium's logical types are CapturedChangesIT's.)
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class DebeziumHostileInputIT {

    static final String TOPIC = "shop.public.customers";
    private static final AtomicLong LSN = new AtomicLong(90_000_000);

    @InjectInfrastructure
    Infrastructure infrastructure;

    /** A valid update of the customer's row, as the connector writes it, at the next log position. */
    static RawJson change(String user) {
        long now = System.currentTimeMillis();
        RawJson source = new RawJson()
                .set("version", "\"3.6.1.Final\"").set("connector", "\"postgresql\"").set("name", "\"shop\"")
                .set("ts_ms", Long.toString(now - 1_000)).set("snapshot", "\"false\"").set("db", "\"shop\"").set("schema", "\"public\"")
                .set("table", "\"customers\"").set("txId", "751").set("lsn", Long.toString(LSN.incrementAndGet()));
        return new RawJson()
                .set("before", "null")
                .set("after", new RawJson().set("id", RawJson.str(user)).set("email", "\"jane@example.com\"").set("tier", "\"gold\"").toString())
                .set("source", source.toString())
                .set("op", "\"u\"")
                .set("ts_ms", Long.toString(now));
    }

    /** The change with one member of its source block changed (raw JSON) or removed (null). */
    static RawJson withSource(String user, String member, String rawValue) {
        RawJson change = change(user);
        String source = change.toString();
        int start = source.indexOf("\"source\":") + "\"source\":".length();
        int end = source.indexOf('}', start) + 1;
        RawJson block = parse(source.substring(start, end));
        if (rawValue == null) {
            block.remove(member);
        } else {
            block.set(member, rawValue);
        }
        return change.set("source", block.toString());
    }

    @Test
    void everyHostileChangeIsDeadLetteredAndTheChannelGoesOn() {
        String user = "hostile-dbz-" + newId().substring(0, 8);
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.send(TOPIC, user, headers(), bytes(change(user).toString()));
            await().atMost(Duration.ofSeconds(30)).until(() -> RedisCommands.call(redis(), "HGET", "profile:{" + user + "}", "customer:tier") != null);
        }
        List<Hostile> cases = new ArrayList<>();
        cases.add(raw("not JSON", "not json", "data", "is not valid JSON"));
        cases.add(raw("a JSON array", "[" + change(user) + "]", "data", "is not a Debezium change event"));
        cases.add(raw("a JSON number", "42", "data", "is not a Debezium change event"));
        cases.add(raw("schema-wrapped, payload an array", "{\"schema\":{},\"payload\":[1]}", "data", "is not a Debezium change event"));
        cases.add(raw("truncated JSON", change(user).toString().substring(0, 50), "data", "is not valid JSON"));
        cases.add(raw("op twice", change(user).add("op", "\"d\"").toString(), "data", "has the key 'op' twice"));
        cases.add(raw("no source", change(user).remove("source").toString(), "source", "must not be null"));
        cases.add(raw("no op", change(user).remove("op").toString(), "op", "must not be null"));
        cases.add(raw("op x", change(user).set("op", "\"x\"").toString(), "op", "must be c, u, d or r"));
        cases.add(raw("after an array", change(user).set("after", "[1,2]").toString(), "after", "must be an object"));
        cases.add(raw("after.id with NUL", change(user).set("after", new RawJson().set("id", RawJson.str(user + "\u0000")).toString()).toString(),
                "after.id", "is not a usable user id"));
        cases.add(raw("another table", withSource(user, "table", "\"orders\"").toString(), "source.table", "is not the table this function takes"));
        cases.add(raw("source.name with NUL (it makes the change's source)", withSource(user, "name", RawJson.str("shop\u0000")).toString(),
                "source", "control characters"));
        cases.add(raw("no lsn", withSource(user, "lsn", null).toString(), "source.lsn", "is required"));
        cases.add(raw("lsn negative", withSource(user, "lsn", "-5").toString(), "source.lsn", "greater than or equal to 0"));
        cases.add(raw("lsn a string", withSource(user, "lsn", "\"26384152\"").toString(), "source.lsn", "whole number"));
        cases.add(raw("lsn 1e30", withSource(user, "lsn", "1e30").toString(), "source.lsn", "is not a valid whole number"));
        cases.add(raw("lsn of 31 digits", withSource(user, "lsn", "1" + "0".repeat(30)).toString(), "source.lsn", "is out of range for a whole number"));
        cases.add(raw("txId negative", withSource(user, "txId", "-1").toString(), "source.txId", "greater than or equal to 0"));
        cases.add(raw("commit time 1e308", withSource(user, "ts_ms", "1e308").toString(), "source.ts_ms", "is not a valid whole number"));
        cases.add(raw("commit time -1 (1969)", withSource(user, "ts_ms", "-1").toString(), "occurredAt", "lies before"));
        cases.add(raw("commit time 0 (1970)", withSource(user, "ts_ms", "0").toString(), "occurredAt", "lies before"));
        cases.add(raw("commit time in year 10000", withSource(user, "ts_ms", "253402300800000").toString(), "occurredAt", "in the future"));
        cases.add(raw("commit time Long.MAX_VALUE", withSource(user, "ts_ms", Long.toString(Long.MAX_VALUE)).toString(), "occurredAt",
                "in the future"));
        cases.add(raw("commit time past a long", withSource(user, "ts_ms", "99999999999999999999").toString(), "source.ts_ms", "is out of range for a whole number"));
        cases.add(raw("a record over 64 KB", change(user).set("padding", RawJson.str("x".repeat(70_000))).toString(), "event", "the limit is 65536"));
        cases.add(raw("nested 3000 deep", change(user).set("padding", "[".repeat(3000) + "]".repeat(3000)).toString(), "data", "nesting depth"));

        Map<String, String> before = RedisSnapshot.ofUser(redis(), user);
        String sentinel = user + "-sentinel";
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.sendAndCheckDeadLetters(TOPIC, TOPIC + ".dlq", cases, () -> kafka.send(TOPIC, sentinel, headers(), bytes(change(sentinel).toString())),
                    () -> Long.valueOf(1).equals(RedisCommands.call(redis(), "EXISTS", "profile:{" + sentinel + "}")));
        }
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(before);
    }

    @Test
    void anAbsurdNumberInAColumnIsKeptAsItsShortTextNotWrittenOutInDigits() {
        // 1e1000000000 is ten characters; in plain digits it would be a gigabyte.
        String user = "dbz-number-" + newId().substring(0, 8);
        RawJson change = change(user);
        change.set("after", new RawJson().set("id", RawJson.str(user)).set("tier", "\"gold\"").set("loyalty_points", "1e1000000000")
                .set("credit_limit", "7.0").toString());
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.send(TOPIC, user, headers(), bytes(change.toString()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> RedisCommands.call(redis(), "HGET", "profile:{" + user + "}", "customer:tier") != null);
        Map<String, String> profile = RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}"));
        assertThat(profile).containsEntry("customer:loyalty_points", "1E+1000000000").containsEntry("customer:credit_limit", "7.0");
    }

    private static Hostile raw(String name, String value, String field, String fragment) {
        return new Hostile(name, headers(), bytes(value), field, fragment);
    }

    /** A flat JSON object's members as raw JSON (the source block has no nested objects). */
    private static RawJson parse(String object) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(object);
            RawJson raw = new RawJson();
            node.fields().forEachRemaining(member -> raw.set(member.getKey(), member.getValue().toString()));
            return raw;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
