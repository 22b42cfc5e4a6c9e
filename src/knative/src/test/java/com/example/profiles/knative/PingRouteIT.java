package com.example.profiles.knative;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import io.restassured.response.Response;

/**
 * {@code GET /ping}, the benchmark's reference route, answers 204 with nothing in it, and does so
 * with Redis hanging while a profile read, which needs Redis, cannot: the route does no work a
 * real request does, which is what makes it a reference for the server's own tail.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class PingRouteIT {

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void answersNoContent() {
        Response ping = given().get("/ping");
        assertThat(ping.statusCode()).isEqualTo(204);
        assertThat(ping.body().asByteArray()).isEmpty();
    }

    @Test
    void answersWithRedisHangingWhileAProfileReadCannot() {
        infrastructure.redis().freeze();
        int read;
        int ping;
        long pingMillis;
        try {
            read = given().get("/profiles/ping-reference-user").statusCode();
            long start = System.nanoTime();
            ping = given().get("/ping").statusCode();
            pingMillis = (System.nanoTime() - start) / 1_000_000;
        } finally {
            infrastructure.redis().unfreeze();
        }
        // The read waits out the store's deadline (profiles.store.timeout, 1.5 s) and says Redis is unavailable.
        assertThat(read).as("profile read with Redis hanging").isEqualTo(503);
        assertThat(ping).as("ping with Redis hanging").isEqualTo(204);
        assertThat(pingMillis).as("milliseconds to answer the ping with Redis hanging").isLessThan(1_000);
    }
}
