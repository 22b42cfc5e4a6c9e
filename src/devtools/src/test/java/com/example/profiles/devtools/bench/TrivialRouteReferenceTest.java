package com.example.profiles.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * The trivial-route reference against a real HTTP server (Vert.x, on loopback) that serves
 * {@code GET /ping} as the app does, after a delay the test sets: every request the open loop owes
 * at the rate is sent and counted, the latency is the server's answer time (measured from when each
 * request was due), and a server without the route is told apart from one with it.
 */
class TrivialRouteReferenceTest {

    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicLong pings = new AtomicLong();
    private static final AtomicLong delayMillis = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            if (!request.path().equals(HttpScenarios.TRIVIAL_ROUTE)) {
                request.response().setStatusCode(404).end();
                return;
            }
            pings.incrementAndGet();
            long delay = delayMillis.get();
            if (delay == 0) {
                request.response().setStatusCode(204).end();
            } else {
                vertx.setTimer(delay, t -> request.response().setStatusCode(204).end());
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void sendsEveryRequestTheRateOwesAndTimesItsAnswer() {
        delayMillis.set(0);
        int rate = 500;
        double seconds = 2;
        long before = pings.get();
        Map<String, Object> reference;
        try (HttpSide client = new HttpSide(server.actualPort(), 8)) {
            reference = HttpScenarios.trivialRoute(client, rate, seconds);
        }
        Map<?, ?> route = (Map<?, ?>) reference.get("trivialRouteMillis");
        assertThat(route.get("count")).isEqualTo((long) (rate * seconds));
        assertThat(pings.get() - before).as("requests the server saw").isEqualTo((long) (rate * seconds));
        assertThat(reference).doesNotContainKey("trivialRouteErrors").containsKey("trivialRouteServiceMillis");
        double p50 = ((Number) route.get("p50")).doubleValue();
        double p99 = ((Number) route.get("p99")).doubleValue();
        double max = ((Number) route.get("max")).doubleValue();
        assertThat(max).isPositive().isGreaterThanOrEqualTo(((Number) route.get("p99.9")).doubleValue());
        assertThat(p99).isGreaterThanOrEqualTo(p50);
        // The log line names the route, its figures, and the step's p99 as a multiple of the route's.
        Map<String, Object> withStep = new LinkedHashMap<>(reference);
        String line = TailProbe.describe(withStep, p99 * 3);
        assertThat(line).contains("GET " + HttpScenarios.TRIVIAL_ROUTE).contains("p99 " + route.get("p99") + " ").contains("3.0x its p99");
    }

    @Test
    void aSlowAnswerIsTheReferencesLatency() {
        delayMillis.set(30);
        Map<String, Object> reference;
        try (HttpSide client = new HttpSide(server.actualPort(), 32)) {
            reference = HttpScenarios.trivialRoute(client, 200, 1);
        } finally {
            delayMillis.set(0);
        }
        Map<?, ?> route = (Map<?, ?>) reference.get("trivialRouteMillis");
        assertThat(route.get("count")).isEqualTo(200L);
        assertThat(((Number) route.get("p50")).doubleValue()).as("p50 ms, each answer 30 ms late").isGreaterThanOrEqualTo(30);
    }

    @Test
    void onlyA204IsTheTrivialRoute() {
        try (HttpSide client = new HttpSide(server.actualPort(), 1)) {
            assertThat(HttpScenarios.servesTrivialRoute(client.once(new HttpSide.Call(null, HttpScenarios.TRIVIAL_ROUTE)))).isTrue();
            // An app without the route answers 404, which HttpSide's reads count as ok: it must not pass as the reference.
            assertThat(HttpScenarios.servesTrivialRoute(client.once(new HttpSide.Call(null, "/no-such-route")))).isFalse();
        }
    }
}
