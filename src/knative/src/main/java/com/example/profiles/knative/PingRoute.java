package com.example.profiles.knative;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * {@code GET /ping}: 204 and nothing else, answered on the event loop without touching Redis,
 * Kafka or any bean. The benchmark loads it at the rates it loads the real routes to measure what
 * the HTTP server and the machine alone add to a request's tail, so the real routes' latency can
 * be judged as a ratio to it. {@code /q/health/live} is no such reference: it runs the liveness
 * checks (the messaging channels' among them) and writes their JSON.
 */
@ApplicationScoped
public class PingRoute {

    void register(@Observes Router router) {
        // Before Funqy's routes (order 0), like the other routes of this app.
        router.get("/ping").order(-50).handler(ctx -> ctx.response().setStatusCode(204).end());
    }
}
