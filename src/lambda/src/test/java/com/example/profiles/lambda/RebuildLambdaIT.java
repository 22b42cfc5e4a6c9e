package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.example.profiles.devtools.servers.RedisCommands;
import com.example.profiles.generation.Generations;
import com.example.profiles.store.Generation;
import com.example.profiles.store.ProfileKeys;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.KafkaEvents;
import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The rebuild as a Lambda, a job longer than one invocation: each invocation stops itself before
 * its deadline, committed, and the next (what the schedule sends) goes on until the switch is done;
 * the schedule's ticks do nothing while no rebuild is under way. Real Kafka history, real Redis.
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.Rebuild.class)
@WithTestResource(RealInfrastructure.class)
class RebuildLambdaIT {

    static final String PURCHASES = "commerce.purchase.completed.v1";
    /** What the Terraform module's schedule sends a job (infra/terraform/aws/triggers.tf), filled in. */
    static final String CONTINUE = """
            {"action":"continue","reason":"scheduled","schedule":"arn:aws:scheduler:eu-central-1:123456789012:schedule/default/rebuild",
             "scheduledTime":"%s","executionId":"%s","attempt":"1"}""";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @AfterEach
    void forgetTheGenerations() {
        // The next test class starts with one plain generation, as a store never rebuilt has.
        RedisCommands.call(infrastructure.redis().uri(), "FLUSHALL");
    }

    @Test
    void aRebuildTakesSeveralInvocationsEachStoppingInTimeAndEndsSwitched() {
        RedisCommands.call(infrastructure.redis().uri(), "FLUSHALL");
        given().contentType("application/json").body(CONTINUE.formatted(Instant.now(), newId())).post().then()
                .statusCode(200).body("ran", equalTo(false)).body("phase", equalTo("IDLE"));

        String user = "lam-rebuild-" + newId();
        int orders = 150;
        try (KafkaEvents kafka = new KafkaEvents(infrastructure.kafka().bootstrapServers())) {
            Instant start = Instant.now().minusSeconds(3_600);
            for (int n = 0; n < orders; n++) {
                Instant at = start.plusSeconds(n);
                kafka.sendBinary(PURCHASES, user, PURCHASE_TYPE, user + "-" + n, "/test/lambda-rebuild", at, json(order(user, n, at)));
            }
        }

        List<JsonPath> invocations = new ArrayList<>();
        String body = "{\"action\":\"start\"}";
        for (int i = 0; i < 15; i++) {
            long started = System.nanoTime();
            JsonPath outcome = given().contentType("application/json").body(body).post().then().statusCode(200).extract().jsonPath();
            long millis = (System.nanoTime() - started) / 1_000_000;
            // The invocation's budget is 9 s; the rebuild keeps 5 s of it back and stops on its own.
            assertThat(millis).as("invocation %d answered within its 9 s timeout", i).isLessThan(9_000);
            assertThat(outcome.getBoolean("ran")).isTrue();
            invocations.add(outcome);
            if (outcome.getBoolean("finished")) {
                break;
            }
            body = CONTINUE.formatted(Instant.now(), newId());
        }
        JsonPath last = invocations.get(invocations.size() - 1);
        assertThat(last.getBoolean("finished")).as("finished within 15 invocations: %s", invocations.stream().map(JsonPath::prettify).toList()).isTrue();
        assertThat(invocations).as("one invocation could not have read %d records at 40/s in 3 s", orders).hasSizeGreaterThan(1);
        assertThat(invocations.get(0).getBoolean("finished")).isFalse();
        assertThat(invocations.get(0).getString("phase")).isEqualTo("BUILDING");
        assertThat(last.getString("phase")).isEqualTo("IDLE");
        // Each invocation went on where the last stopped: every record read once, none applied twice.
        assertThat(invocations.stream().mapToLong(o -> o.getLong("read")).sum()).isEqualTo(orders);
        assertThat(invocations.stream().map(o -> o.getMap("outcomes"))).allSatisfy(outcomes -> assertThat(outcomes).doesNotContainKey("duplicate"));

        // The pointer moved to the new generation, which holds every order once; the old one is gone.
        assertThat(RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", Generations.POINTER)))
                .containsEntry("current", "1").containsEntry("phase", "IDLE");
        assertThat(RedisCommands.call(infrastructure.redis().uri(), "HGET", ProfileKeys.profile(new Generation(1), user), "purchase:count"))
                .isEqualTo(Integer.toString(orders));
        assertThat(RedisCommands.call(infrastructure.redis().uri(), "EXISTS", ProfileKeys.profile(Generation.FIRST, user))).isEqualTo(0L);

        // Done: the schedule's next tick finds nothing to do.
        given().contentType("application/json").body(CONTINUE.formatted(Instant.now(), newId())).post().then()
                .statusCode(200).body("ran", equalTo(false));
    }

    @Test
    void anActionOtherThanStartOrContinueIsRefusedAndStartsNothing() {
        RedisCommands.call(infrastructure.redis().uri(), "FLUSHALL");
        given().contentType("application/json").body("{\"action\":\"rebuild-everything\"}").post().then().statusCode(500);
        assertThat(RedisCommands.call(infrastructure.redis().uri(), "EXISTS", Generations.POINTER)).isEqualTo(0L);
    }

    private static Map<String, Object> order(String user, int n, Instant at) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "SKU-" + (n % 5));
        item.put("category", "books");
        item.put("quantity", 1);
        item.put("unitPrice", new BigDecimal("2.50"));
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("userId", user);
        order.put("orderId", "o-" + n);
        order.put("occurredAt", at.toString());
        order.put("currency", "EUR");
        order.put("items", List.of(item));
        order.put("total", new BigDecimal("2.50"));
        return order;
    }
}
