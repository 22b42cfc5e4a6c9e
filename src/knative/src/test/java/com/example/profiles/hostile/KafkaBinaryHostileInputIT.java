package com.example.profiles.hostile;

import static com.example.profiles.hostile.HostileHttp.newId;
import static com.example.profiles.hostile.HostileKafka.binaryHeaders;
import static com.example.profiles.hostile.HostileKafka.bytes;
import static com.example.profiles.hostile.HostileKafka.headers;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 * Hostile input on the purchase and cart topics in binary mode ({@code ce_*} headers, the data as
 * the value): every input of HostileData is dead-lettered with a bounded one-line reason naming
 * its field, none stops the channel (a valid record behind them is applied, readiness stays UP),
 * and the users' keys in Redis are exactly as they were.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class KafkaBinaryHostileInputIT {

    static final String PURCHASES = "commerce.purchase.completed.v1";
    static final String CARTS = "commerce.cart.changed.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void everyHostilePurchaseRecordIsDeadLetteredAndTheChannelGoesOn() {
        String user = "hostile-kbin-p-" + newId().substring(0, 8);
        String limited = user + "-limited";
        HostileHttp.createProfile(user);
        profileAtTheSpendLimit(limited);
        List<Hostile> cases = new ArrayList<>();
        for (HostileData.Case data : HostileData.cases(user)) {
            if (data.function().equals("purchase")) {
                cases.add(new Hostile(data.name(), binaryHeaders(data.type(), null, null), bytes(data.data()), data.field(), data.fragment()));
            }
        }
        String type = HostileData.PURCHASE_TYPE;
        byte[] order = bytes(HostileData.purchase(user, "o-envelope").toString());
        cases.add(new Hostile("no ce_source", binaryHeaders(type, "ce_source", null), order, "source", "is required"));
        cases.add(new Hostile("empty ce_id", binaryHeaders(type, "ce_id", ""), order, "id", "must not be empty"));
        cases.add(new Hostile("no ce_id", binaryHeaders(type, "ce_id", null), order, "id", "is required"));
        cases.add(new Hostile("ce_id with NUL", binaryHeaders(type, "ce_id", "a\u0000b"), order, "id", "control characters"));
        cases.add(new Hostile("ce_id not UTF-8", binaryHeaders(type, "ce_id", new byte[] { 'a', (byte) 0xFF }), order, "id", "not valid UTF-8"));
        cases.add(new Hostile("ce_id of 300 characters", binaryHeaders(type, "ce_id", "i".repeat(300)), order, "id", "longer than 256"));
        List<Map.Entry<String, byte[]>> twice = binaryHeaders(type, null, null);
        twice.add(Map.entry("ce_id", bytes("second")));
        cases.add(new Hostile("ce_id twice", twice, order, "id", "appears more than once"));
        cases.add(new Hostile("no ce_type", binaryHeaders(type, "ce_type", null), order, "type", "is required"));
        cases.add(new Hostile("a cart type on the purchase topic", binaryHeaders(HostileData.CART_TYPE, null, null), order, "type", "takes only"));
        cases.add(new Hostile("no ce_specversion", binaryHeaders(type, "ce_specversion", null), order, "specversion", "is required"));
        cases.add(new Hostile("ce_specversion 0.3", binaryHeaders(type, "ce_specversion", "0.3"), order, "specversion", "must be 1.0"));
        cases.add(new Hostile("empty ce_time", binaryHeaders(type, "ce_time", ""), order, "time", "must be an RFC 3339 time"));
        cases.add(new Hostile("garbage ce_time", binaryHeaders(type, "ce_time", "yesterday"), order, "time", "must be an RFC 3339 time"));
        cases.add(new Hostile("ce_time in year -999999999", binaryHeaders(type, "ce_time", "-999999999-01-01T00:00:00Z"), order, "time",
                "lies before"));
        cases.add(new Hostile("ce_time in year 999999999", binaryHeaders(type, "ce_time", "+999999999-12-31T23:59:59Z"), order, "time",
                "in the future"));
        cases.add(new Hostile("content-type text/plain", binaryHeaders(type, "content-type", "text/plain"), order, "datacontenttype",
                "must be application/json"));
        cases.add(new Hostile("batch content type", binaryHeaders(type, "content-type", "application/cloudevents-batch+json"), order, "content-type",
                "batch mode"));
        cases.add(new Hostile("an empty value", binaryHeaders(type, null, null), new byte[0], "data", "carries no data"));
        cases.add(new Hostile("no value (a tombstone)", binaryHeaders(type, null, null), null, "event", "has no value"));
        cases.add(new Hostile("not JSON", binaryHeaders(type, null, null), bytes("not json"), null, "is not valid"));
        cases.add(new Hostile("no headers and not an event", headers(), bytes("{\"hello\":1}"), "event", "is not a CloudEvent"));
        cases.add(new Hostile("a record over 64 KB", binaryHeaders(type, null, null),
                bytes(HostileData.purchase(user, "o").set("padding", RawJson.str("x".repeat(70_000))).toString()), "event", "the limit is 65536"));
        cases.add(new Hostile("an order past the profile's spend limit", binaryHeaders(type, null, null),
                bytes(HostileData.purchase(limited, "o-over").toString()), "total", "would take the profile's lifetime spend past"));

        Map<String, String> before = RedisSnapshot.ofUser(redis(), user);
        Map<String, String> limitedBefore = RedisSnapshot.ofUser(redis(), limited);
        String sentinel = user + "-sentinel";
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.sendAndCheckDeadLetters(PURCHASES, PURCHASES + ".dlq", cases,
                    () -> kafka.send(PURCHASES, sentinel, binaryHeaders(type, null, null), bytes(HostileData.purchase(sentinel, "o-s").toString())),
                    () -> exists(sentinel));
        }
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(before);
        assertThat(RedisSnapshot.ofUser(redis(), limited)).isEqualTo(limitedBefore);
    }

    @Test
    void everyHostileCartRecordIsDeadLetteredAndTheChannelGoesOn() {
        String user = "hostile-kbin-c-" + newId().substring(0, 8);
        String full = user + "-full";
        HostileHttp.createProfile(user);
        // A cart line of 100000 units: as many as one line may hold.
        HostileHttp.binary(HostileData.CART_TYPE, HostileData.cart(full, "c-full").set("action", "\"QUANTITY_SET\"").set("quantity", "100000")
                .toString()).post("/").then().statusCode(200);
        List<Hostile> cases = new ArrayList<>();
        for (HostileData.Case data : HostileData.cases(user)) {
            if (data.function().equals("cart")) {
                cases.add(new Hostile(data.name(), binaryHeaders(data.type(), null, null), bytes(data.data()), data.field(), data.fragment()));
            }
        }
        cases.add(new Hostile("one unit more than a cart line may hold", binaryHeaders(HostileData.CART_TYPE, null, null),
                bytes(HostileData.cart(full, "c-full").toString()), "quantity", "would put more than 100000 units of one SKU in the cart"));
        cases.add(new Hostile("a purchase type on the cart topic", binaryHeaders(HostileData.PURCHASE_TYPE, null, null),
                bytes(HostileData.cart(user, "c").toString()), "type", "takes only"));

        Map<String, String> before = RedisSnapshot.ofUser(redis(), user);
        Map<String, String> fullBefore = RedisSnapshot.ofUser(redis(), full);
        String sentinel = user + "-sentinel";
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.sendAndCheckDeadLetters(CARTS, CARTS + ".dlq", cases,
                    () -> kafka.send(CARTS, sentinel, binaryHeaders(HostileData.CART_TYPE, null, null), bytes(HostileData.cart(sentinel, "c-s").toString())),
                    () -> exists(sentinel));
        }
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(before);
        assertThat(RedisSnapshot.ofUser(redis(), full)).isEqualTo(fullBefore);
    }

    /**
     * A profile whose lifetime spend is at the limit (profiles.limits.max-profile-total, 10^15
     * minor units), reached the way a shopper would: 100 orders of the largest amount one order
     * may be (10^13 minor units, 100,000,000,000.00 EUR).
     */
    private void profileAtTheSpendLimit(String user) {
        for (int i = 0; i < 100; i++) {
            HostileHttp.binary(HostileData.PURCHASE_TYPE, HostileData.purchase(user, "o-max-" + i)
                    .set("items", "[" + HostileData.item("GOLD", "bullion", "1", "100000000000.00") + "]").set("total", "100000000000.00").toString())
                    .post("/").then().statusCode(200);
        }
        assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}")))
                .containsEntry("purchase:spend_minor", "1000000000000000");
    }

    private boolean exists(String user) {
        return Long.valueOf(1).equals(RedisCommands.call(redis(), "EXISTS", "profile:{" + user + "}"));
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
