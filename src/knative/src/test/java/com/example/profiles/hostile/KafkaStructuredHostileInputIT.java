package com.example.profiles.hostile;

import static com.example.profiles.hostile.HostileHttp.newId;
import static com.example.profiles.hostile.HostileHttp.structured;
import static com.example.profiles.hostile.HostileKafka.bytes;
import static com.example.profiles.hostile.HostileKafka.headers;
import static com.example.profiles.hostile.HostileKafka.structuredHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * Hostile input on the purchase and cart topics in structured mode (the whole CloudEvent as the
 * value, {@code content-type: application/cloudevents+json}, or no header at all): every input
 * of HostileData is dead-lettered with a bounded one-line reason naming its field, none stops the
 * channel, the users' keys in Redis are exactly as they were. Amounts are read exactly, as over
 * HTTP: what a double would have turned into a valid order is refused here too.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class KafkaStructuredHostileInputIT {

    static final String PURCHASES = "commerce.purchase.completed.v1";
    static final String CARTS = "commerce.cart.changed.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void everyHostileStructuredRecordIsDeadLetteredAndTheChannelGoesOn() {
        String user = "hostile-kstruct-" + newId().substring(0, 8);
        HostileHttp.createProfile(user);
        List<Hostile> purchases = new ArrayList<>();
        List<Hostile> carts = new ArrayList<>();
        for (HostileData.Case data : HostileData.cases(user)) {
            Hostile hostile = new Hostile(data.name(), structuredHeaders(), bytes(structured(data.type(), data.data()).toString()), data.field(),
                    data.fragment());
            (data.function().equals("purchase") ? purchases : carts).add(hostile);
        }
        String type = HostileData.PURCHASE_TYPE;
        String order = HostileData.purchase(user, "o-envelope").toString();
        for (String attribute : List.of("specversion", "id", "source", "type")) {
            purchases.add(envelope("no " + attribute, structured(type, order).remove(attribute), attribute, "is required"));
            purchases.add(envelope(attribute + " a number", structured(type, order).set(attribute, "1"), attribute, "must be a string"));
        }
        purchases.add(envelope("empty id", structured(type, order).set("id", "\"\""), "id", "must not be empty"));
        purchases.add(envelope("id with an unpaired surrogate", structured(type, order).set("id", RawJson.str("a\uDFFF")), "id", "unpaired surrogate"));
        purchases.add(envelope("unparsable time", structured(type, order).set("time", "\"yesterday\""), "time", "must be an RFC 3339 time"));
        purchases.add(envelope("time in year -999999999", structured(type, order).set("time", "\"-999999999-01-01T00:00:00Z\""), "time",
                "lies before"));
        purchases.add(envelope("a cart type on the purchase topic", structured(HostileData.CART_TYPE, order), "type", "takes only"));
        purchases.add(envelope("id twice", structured(type, order).add("id", RawJson.str(newId())), "event", "has the key 'id' twice"));
        purchases.add(envelope("datacontenttype text/plain", structured(type, order).set("datacontenttype", "\"text/plain\""), "datacontenttype",
                "must be application/json"));
        purchases.add(envelope("no data", structured(type, null), "data", "carries no data"));
        purchases.add(envelope("data and data_base64", structured(type, order).set("data_base64", base64(order)), "data_base64", "not both"));
        purchases.add(envelope("data_base64 not base64", structured(type, null).set("data_base64", "\"%%%\""), "data_base64", "is not base64"));
        purchases.add(envelope("data_base64 holding a total of 1e1000000", structured(type, null)
                .set("data_base64", base64(HostileData.purchase(user, "o").set("total", "1e1000000").toString())), "total", "is out of range"));
        purchases.add(new Hostile("a JSON array of one event", structuredHeaders(), bytes("[" + structured(type, order) + "]"), "event", "batch mode"));
        purchases.add(new Hostile("a JSON number", structuredHeaders(), bytes("42"), "event", "one JSON object"));
        purchases.add(new Hostile("malformed JSON", structuredHeaders(), bytes(structured(type, order).toString().substring(0, 60)), "event",
                "is not valid JSON"));
        purchases.add(new Hostile("without content-type, the total of 1e1000000", headers(),
                bytes(structured(type, HostileData.purchase(user, "o").set("total", "1e1000000").toString()).toString()), "total", "is out of range"));

        Map<String, String> before = RedisSnapshot.ofUser(redis(), user);
        String sentinel = user + "-sentinel";
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.sendAndCheckDeadLetters(PURCHASES, PURCHASES + ".dlq", purchases,
                    () -> kafka.send(PURCHASES, sentinel, structuredHeaders(),
                            bytes(structured(type, HostileData.purchase(sentinel, "o-s").toString()).toString())),
                    () -> exists(sentinel));
        }
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.sendAndCheckDeadLetters(CARTS, CARTS + ".dlq", carts,
                    () -> kafka.send(CARTS, sentinel + "-c", structuredHeaders(),
                            bytes(structured(HostileData.CART_TYPE, HostileData.cart(sentinel + "-c", "c-s").toString()).toString())),
                    () -> exists(sentinel + "-c"));
        }
        assertThat(RedisSnapshot.ofUser(redis(), user)).isEqualTo(before);
    }

    @Test
    void jsonDataSentAsDataBase64IsApplied() {
        String user = "kstruct-base64-" + newId().substring(0, 8);
        String order = HostileData.purchase(user, "o-base64")
                .set("items", "[" + HostileData.item("S", "c", "3", "33.3333") + "," + HostileData.item("T", "c", "1", "0.0001") + "]")
                .set("total", "100.00").toString();
        try (HostileKafka kafka = new HostileKafka(infrastructure.kafka().bootstrapServers())) {
            kafka.send(PURCHASES, user, structuredHeaders(),
                    bytes(structured(HostileData.PURCHASE_TYPE, null).set("data_base64", base64(order)).toString()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> exists(user));
        assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}")))
                .containsEntry("purchase:count", "1")
                .containsEntry("purchase:spend_minor", "10000")
                .containsEntry("affinity:c:count", "4");
    }

    private static Hostile envelope(String name, RawJson event, String field, String fragment) {
        return new Hostile(name, structuredHeaders(), bytes(event.toString()), field, fragment);
    }

    private static String base64(String text) {
        return RawJson.str(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }

    private boolean exists(String user) {
        return Long.valueOf(1).equals(RedisCommands.call(redis(), "EXISTS", "profile:{" + user + "}"));
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
