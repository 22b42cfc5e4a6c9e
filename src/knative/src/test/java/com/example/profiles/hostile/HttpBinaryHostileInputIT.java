package com.example.profiles.hostile;

import static com.example.profiles.hostile.HostileHttp.assertRefused;
import static com.example.profiles.hostile.HostileHttp.assertStillApplies;
import static com.example.profiles.hostile.HostileHttp.newId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.testing.RedisSnapshot;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Hostile input over HTTP in binary mode ({@code ce-*} headers, the data as the body): every input
 * of HostileData gets a clear 4xx with the JSON error body, never a 5xx, leaves the user's keys
 * in Redis exactly as they were, and the endpoint goes on applying valid events.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class HttpBinaryHostileInputIT {

    static final String USER = "hostile-http-binary-" + newId().substring(0, 8);
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
        long started = System.nanoTime();
        Response answer = HostileHttp.binary(hostile.type(), hostile.data()).post("/");
        // 1e10000000 once cost 16 s of CPU; bounded before parsing, every case is answered at once.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertRefused(answer, 400, hostile.field(), hostile.fragment(), redis(), USER, before);
        assertStillApplies(SENTINEL);
    }

    /** One malformed request, how it is sent, and the answer it must get. */
    record Malformed(String name, Supplier<Response> send, int status, String field, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Malformed> malformedRequests() {
        String order = HostileData.purchase(USER, "o-envelope").toString();
        String type = HostileData.PURCHASE_TYPE;
        List<Malformed> cases = new ArrayList<>();
        cases.add(new Malformed("no ce-source", () -> post(headers(type, "ce-source", null), order), 400, "source", "is required"));
        cases.add(new Malformed("empty ce-source", () -> post(headers(type, "ce-source", ""), order), 400, "source", "must not be empty"));
        cases.add(new Malformed("empty ce-id", () -> post(headers(type, "ce-id", ""), order), 400, "id", "must not be empty"));
        cases.add(new Malformed("no ce-id", () -> post(headers(type, "ce-id", null), order), 400, "id", "is required"));
        cases.add(new Malformed("ce-id with a tab", () -> post(headers(type, "ce-id", "a\tb"), order), 400, "id", "control characters"));
        cases.add(new Malformed("ce-id of 300 characters", () -> post(headers(type, "ce-id", "i".repeat(300)), order), 400, "id",
                "longer than 256"));
        cases.add(new Malformed("ce-id twice", () -> given().headers(headers(type, null, null)).header("ce-id", "second").contentType("application/json")
                .body(order).post("/"), 400, "id", "appears more than once"));
        cases.add(new Malformed("no ce-type", () -> post(headers(type, "ce-type", null), order), 400, "type", "is required"));
        cases.add(new Malformed("unknown ce-type", () -> post(headers("com.example.unknown.v1", null, null), order), 400, "type",
                "no function here takes events of this type"));
        cases.add(new Malformed("no ce-specversion", () -> post(headers(type, "ce-specversion", null), order), 400, "specversion", "is required"));
        cases.add(new Malformed("ce-specversion 0.3", () -> post(headers(type, "ce-specversion", "0.3"), order), 400, "specversion", "must be 1.0"));
        cases.add(new Malformed("empty ce-time", () -> post(headers(type, "ce-time", ""), order), 400, "time", "must be an RFC 3339 time"));
        cases.add(new Malformed("garbage ce-time", () -> post(headers(type, "ce-time", "yesterday"), order), 400, "time", "must be an RFC 3339 time"));
        cases.add(new Malformed("ce-time of month 13", () -> post(headers(type, "ce-time", "2026-13-45T99:00:00Z"), order), 400, "time",
                "must be an RFC 3339 time"));
        cases.add(new Malformed("ce-time in year -999999999", () -> post(headers(type, "ce-time", "-999999999-01-01T00:00:00Z"), order), 400, "time",
                "lies before"));
        cases.add(new Malformed("ce-time in year 999999999", () -> post(headers(type, "ce-time", "+999999999-12-31T23:59:59Z"), order), 400, "time",
                "in the future"));
        cases.add(new Malformed("Content-Type text/plain", () -> given().headers(headers(type, null, null)).contentType("text/plain").body(order)
                .post("/"), 415, "Content-Type", "must be application/json"));
        cases.add(new Malformed("no Content-Type", () -> raw("POST", "/", headers(type, null, null), null, order.getBytes(StandardCharsets.UTF_8)),
                415, "Content-Type", "must be application/json"));
        cases.add(new Malformed("batch mode", () -> given().contentType("application/cloudevents-batch+json").body("[" + order + "]").post("/"),
                415, "Content-Type", "batch mode"));
        for (String method : List.of("PUT", "DELETE", "PATCH", "GET")) {
            cases.add(new Malformed(method + " on /", () -> given().headers(headers(type, null, null)).contentType("application/json").body(order)
                    .request(method, "/"), 405, "method", "POSTed"));
        }
        for (String path : List.of("/", "/purchase", "/cart", "/customer")) {
            cases.add(new Malformed("plain JSON to " + path, () -> given().contentType("application/json").body(order).post(path), 400, "event",
                    "is not a CloudEvent"));
        }
        cases.add(new Malformed("a cart event to /purchase", () -> post("/purchase", headers(HostileData.CART_TYPE, null, null),
                HostileData.cart(USER, "c").toString()), 400, "type", "this path takes only the events of function purchase"));
        cases.add(new Malformed("GET /purchase", () -> given().get("/purchase"), 405, "method", "POSTed"));
        cases.add(new Malformed("no body", () -> post(headers(type, null, null), ""), 400, "data", "carries no data"));
        cases.add(new Malformed("malformed JSON", () -> post(headers(type, null, null), "{\"userId\": \"" + USER + "\", \"items\": ["), 400, null,
                "it ends too early"));
        cases.add(new Malformed("a chunked body over 64 KB", () -> chunked(headers(type, null, null), paddedOrder(70_000)), 400, "event",
                "the limit is 65536"));
        cases.add(new Malformed("a chunked body of 2 MB", () -> chunked(headers(type, null, null), paddedOrder(2_000_000)), 400, "event",
                "the limit is 65536"));
        cases.add(new Malformed("a declared body over 64 KB", () -> post(headers(type, null, null), new String(paddedOrder(70_000),
                StandardCharsets.UTF_8)), 400, "event", "the limit is 65536"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void aMalformedRequestGetsAClear4xxAndChangesNothing(Malformed request) {
        Map<String, String> before = RedisSnapshot.ofUser(redis(), USER);
        assertRefused(request.send().get(), request.status(), request.field(), request.fragment(), redis(), USER, before);
        assertStillApplies(SENTINEL);
    }

    @Test
    void anUnknownTypeIsLoggedOnceAMinuteNotOncePerRequest() {
        List<LogRecord> warnings = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("com.example.profiles.knative.CloudEventScreen");
        logger.addHandler(capture);
        try {
            String stray = "com.example.stray." + newId();
            String other = "com.example.other." + newId();
            for (int i = 0; i < 5; i++) {
                post(headers(stray, null, null), "{}").then().statusCode(400);
            }
            post(headers(other, null, null), "{}").then().statusCode(400);
            assertThat(warnings.stream().filter(w -> w.getMessage().contains(stray) || format(w).contains(stray))).hasSize(1);
            assertThat(warnings.stream().filter(w -> w.getMessage().contains(other) || format(w).contains(other))).hasSize(1);
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void aValidEventIsStillAppliedAndTheProfileStaysReadable() {
        HostileHttp.binary(HostileData.PURCHASE_TYPE, HostileData.purchase(USER, "o-after-" + newId()).toString()).post("/").then()
                .statusCode(200);
        given().get("/profiles/" + USER).then().statusCode(200);
    }

    private static String format(LogRecord record) {
        return record.getParameters() == null ? record.getMessage() : String.format(record.getMessage(), record.getParameters());
    }

    /** The attribute headers of a valid event, with one changed ({@code value}) or left out (null). */
    static Map<String, String> headers(String type, String change, String value) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce-specversion", "1.0");
        headers.put("ce-id", newId());
        headers.put("ce-source", "/test/hostile");
        headers.put("ce-type", type);
        headers.put("ce-time", Instant.now().toString());
        if (change != null) {
            if (value == null) {
                headers.remove(change);
            } else {
                headers.put(change, value);
            }
        }
        return headers;
    }

    private static Response post(Map<String, String> headers, String body) {
        return post("/", headers, body);
    }

    private static Response post(String path, Map<String, String> headers, String body) {
        RequestSpecification request = given().headers(headers).contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        return request.post(path);
    }

    private static byte[] paddedOrder(int size) {
        String order = HostileData.purchase(USER, "o-big").set("padding", RawJson.str("x".repeat(size))).toString();
        return order.getBytes(StandardCharsets.UTF_8);
    }

    /** Without Content-Length: the body goes chunked, so no declared length can be checked up front. */
    private static Response chunked(Map<String, String> headers, byte[] body) {
        return raw("POST", "/", headers, "application/json", body);
    }

    /** A request sent with the JDK's client, which RestAssured would not send as is (no Content-Type, a chunked body). */
    private static Response raw(String method, String path, Map<String, String> headers, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .version(HttpClient.Version.HTTP_1_1)
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        headers.forEach(request::header);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new io.restassured.builder.ResponseBuilder()
                    .setStatusCode(answer.statusCode())
                    .setContentType(answer.headers().firstValue("Content-Type").orElse(""))
                    .setBody(answer.body())
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String redis() {
        return infrastructure.redis().uri();
    }
}
