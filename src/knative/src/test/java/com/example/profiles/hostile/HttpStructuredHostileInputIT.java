package com.example.profiles.hostile;

import static com.example.profiles.hostile.HostileHttp.assertRefused;
import static com.example.profiles.hostile.HostileHttp.assertStillApplies;
import static com.example.profiles.hostile.HostileHttp.newId;
import static com.example.profiles.hostile.HostileHttp.postStructured;
import static com.example.profiles.hostile.HostileHttp.structured;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.testing.RedisSnapshot;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Hostile input over HTTP in structured mode ({@code application/cloudevents+json}, the whole
 * event as one JSON document): every hostile input ({@link HostileData}) and every malformed event
 * gets a clear 4xx with the JSON error body, never a 5xx, leaves the user's keys in Redis exactly
 * as they were, and the endpoint goes on applying valid events.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class HttpStructuredHostileInputIT {

    static final String USER = "hostile-http-structured-" + newId().substring(0, 8);
    static final String SENTINEL = USER + "-sentinel";
    private static boolean profileCreated;

    @InjectInfrastructure
    Infrastructure infrastructure;

    @BeforeEach
    void profileToProtect() {
        if (!profileCreated) {
            HostileHttp.createProfile(USER);
            profileCreated = true;
        }
    }

    static Stream<HostileData.Case> hostileData() {
        return HostileData.cases(USER).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileData")
    void hostileDataIsRefusedWith400AndChangesNothing(HostileData.Case hostile) {
        Map<String, String> before = RedisSnapshot.ofUser(redis(), USER);
        Response answer = postStructured(structured(hostile.type(), hostile.data()).toString());
        assertRefused(answer, 400, hostile.field(), hostile.fragment(), redis(), USER, before);
        assertStillApplies(SENTINEL);
    }

    record Malformed(String name, Supplier<Response> send, int status, String field, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Malformed> malformedEvents() {
        String type = HostileData.PURCHASE_TYPE;
        String order = HostileData.purchase(USER, "o-envelope").toString();
        List<Malformed> cases = new ArrayList<>();
        for (String attribute : List.of("specversion", "id", "source", "type")) {
            cases.add(new Malformed("no " + attribute, () -> postStructured(structured(type, order).remove(attribute).toString()), 400, attribute,
                    "is required"));
            cases.add(new Malformed(attribute + " a number", () -> postStructured(structured(type, order).set(attribute, "1").toString()), 400,
                    attribute, "must be a string"));
        }
        cases.add(new Malformed("specversion 0.3", () -> postStructured(structured(type, order).set("specversion", "\"0.3\"").toString()), 400,
                "specversion", "must be 1.0"));
        cases.add(new Malformed("empty id", () -> postStructured(structured(type, order).set("id", "\"\"").toString()), 400, "id", "must not be empty"));
        cases.add(new Malformed("id with NUL", () -> postStructured(structured(type, order).set("id", RawJson.str("a\u0000b")).toString()), 400, "id",
                "control characters"));
        cases.add(new Malformed("id with an unpaired surrogate", () -> postStructured(structured(type, order).set("id", RawJson.str("a\uD800")).toString()),
                400, "id", "unpaired surrogate"));
        cases.add(new Malformed("unknown type", () -> postStructured(structured("com.example.unknown.v1", order).toString()), 400, "type",
                "no function here takes events of this type"));
        cases.add(new Malformed("unparsable time", () -> postStructured(structured(type, order).set("time", "\"yesterday\"").toString()), 400, "time",
                "must be an RFC 3339 time"));
        cases.add(new Malformed("time a number", () -> postStructured(structured(type, order).set("time", "1e308").toString()), 400, "time",
                "must be a string"));
        cases.add(new Malformed("time in year -999999999", () -> postStructured(structured(type, order).set("time", "\"-999999999-01-01T00:00:00Z\"")
                .toString()), 400, "time", "lies before"));
        cases.add(new Malformed("a JSON array of one event", () -> postStructured("[" + structured(type, order) + "]"), 400, "event", "batch mode"));
        for (String body : List.of("[]", "\"event\"", "42", "null", "")) {
            cases.add(new Malformed("the body " + (body.isEmpty() ? "empty" : body), () -> postStructured(body), 400, "event", "JSON object"));
        }
        cases.add(new Malformed("malformed JSON", () -> postStructured(structured(type, order).toString().substring(0, 60)), 400, "event",
                "is not valid JSON"));
        cases.add(new Malformed("id twice", () -> postStructured(structured(type, order).add("id", RawJson.str(newId())).toString()), 400, "event",
                "has the key 'id' twice"));
        cases.add(new Malformed("datacontenttype text/plain", () -> postStructured(structured(type, order).set("datacontenttype", "\"text/plain\"")
                .toString()), 400, "datacontenttype", "must be application/json"));
        cases.add(new Malformed("no data", () -> postStructured(structured(type, null).toString()), 400, "data", "carries no data"));
        cases.add(new Malformed("data null", () -> postStructured(structured(type, "null").toString()), 400, "data", "carries no data"));
        cases.add(new Malformed("data and data_base64", () -> postStructured(structured(type, order).set("data_base64", base64(order)).toString()), 400,
                "data_base64", "not both"));
        cases.add(new Malformed("data_base64 not base64", () -> postStructured(structured(type, null).set("data_base64", "\"%%%\"").toString()), 400,
                "data_base64", "is not base64"));
        cases.add(new Malformed("data_base64 not JSON", () -> postStructured(structured(type, null).set("data_base64", base64("not json")).toString()),
                400, "data_base64", "does not hold JSON data"));
        cases.add(new Malformed("data_base64 holding a total of 1e1000000", () -> postStructured(structured(type, null)
                .set("data_base64", base64(HostileData.purchase(USER, "o").set("total", "1e1000000").toString())).toString()), 400, "data_base64",
                "send the JSON data itself as data"));
        // What Funqy would read otherwise than the Kafka channel does: refused, saying what to send instead.
        cases.add(new Malformed("JSON data as data_base64", () -> postStructured(structured(type, null).set("data_base64", base64(order)).toString()),
                400, "data_base64", "is not taken over HTTP: send the JSON data itself as data"));
        cases.add(new Malformed("time null", () -> postStructured(structured(type, order).set("time", "null").toString()), 400, "time",
                "is null: leave out an attribute that has no value"));
        cases.add(new Malformed("datacontenttype null", () -> postStructured(structured(type, order).set("datacontenttype", "null").toString()), 400,
                "datacontenttype", "is null: leave out an attribute that has no value"));
        cases.add(new Malformed("datacontenttype Application/JSON", () -> postStructured(structured(type, order)
                .set("datacontenttype", "\"Application/JSON; charset=UTF-8\"").toString()), 400, "datacontenttype",
                "must be written application/json, in lower case"));
        cases.add(new Malformed("a cart event to /purchase", () -> given().contentType("application/cloudevents+json")
                .body(structured(HostileData.CART_TYPE, HostileData.cart(USER, "c").toString()).toString()).post("/purchase"), 400, "type",
                "this path takes only the events of function purchase"));
        cases.add(new Malformed("PUT on /", () -> given().contentType("application/cloudevents+json").body(structured(type, order).toString())
                .put("/"), 405, "method", "POSTed"));
        cases.add(new Malformed("over 64 KB", () -> postStructured(structured(type, HostileData.purchase(USER, "o")
                .set("padding", RawJson.str("x".repeat(70_000))).toString()).toString()), 400, "event", "the limit is 65536"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEvents")
    void aMalformedEventGetsA400AndChangesNothing(Malformed event) {
        Map<String, String> before = RedisSnapshot.ofUser(redis(), USER);
        assertRefused(event.send().get(), event.status(), event.field(), event.fragment(), redis(), USER, before);
        assertStillApplies(SENTINEL);
    }

    @Test
    void whatFunqyWouldReadOtherwiseIsRefusedAndWritesNothing() {
        // The Kafka channel takes these; over HTTP a 400 says what to send instead, and no key of the user is written.
        String user = USER + "-unread";
        String order = HostileData.purchase(user, "o-1").toString();
        Response base64 = postStructured(structured(HostileData.PURCHASE_TYPE, null).set("data_base64", base64(order)).toString());
        assertRefused(base64, 400, "data_base64", "send the JSON data itself as data", redis(), user, Map.of());
        Response nulls = postStructured(structured(HostileData.PURCHASE_TYPE, order).set("datacontenttype", "null").set("time", "null").toString());
        assertRefused(nulls, 400, "datacontenttype", "leave out an attribute that has no value", redis(), user, Map.of());
        assertThat(nulls.jsonPath().getList("violations.field", String.class)).containsExactlyInAnyOrder("datacontenttype", "time");
        Response spelling = postStructured(structured(HostileData.PURCHASE_TYPE, order).set("datacontenttype", "\"Application/JSON\"").toString());
        assertRefused(spelling, 400, "datacontenttype", "must be written application/json", redis(), user, Map.of());
        assertThat(RedisCommands.call(redis(), "EXISTS", "profile:{" + user + "}")).isEqualTo(0L);
    }

    @Test
    void otherNullAttributesAndABinaryContentTypeWrittenOtherwiseAreTaken() {
        // Funqy leaves subject, dataschema and a null data_base64 alone, and in binary mode the Content-Type is a header.
        String user = USER + "-spelling";
        postStructured(structured(HostileData.PURCHASE_TYPE, HostileData.purchase(user, "o-1").toString()).set("subject", "null")
                .set("dataschema", "null").set("data_base64", "null").toString()).then().statusCode(200).body("data.status", equalTo("APPLIED"));
        HostileHttp.binary(HostileData.PURCHASE_TYPE, HostileData.purchase(user, "o-2").toString()).contentType("Application/JSON").post("/")
                .then().statusCode(200).body("status", equalTo("APPLIED"));
        assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}"))).containsEntry("purchase:count", "2");
    }

    @Test
    void aKeyInAnotherCaseIsNotASecondUserId() {
        // Funqy's HTTP binding matches property names case-insensitively; our event types do not,
        // so "USERID" is an unknown field here as on Kafka, not a second userId.
        String user = USER + "-case";
        String data = HostileData.purchase(user, "o-case").add("USERID", RawJson.str("someone-else")).toString();
        postStructured(structured(HostileData.PURCHASE_TYPE, data).toString()).then().statusCode(200);
        HostileHttp.binary(HostileData.PURCHASE_TYPE, HostileData.purchase(user, "o-case-2").add("USERID", RawJson.str("someone-else")).toString())
                .post("/").then().statusCode(200).body("userId", equalTo(user));
        assertThat(RedisCommands.call(redis(), "EXISTS", "profile:{someone-else}")).isEqualTo(0L);
        assertThat(RedisCommands.asMap(RedisCommands.call(redis(), "HGETALL", "profile:{" + user + "}"))).containsEntry("purchase:count", "2");
    }

    private static String base64(String text) {
        return RawJson.str(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
