package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.newId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.example.profiles.cart.CartAction;
import com.example.profiles.cart.CartChanged;
import com.example.profiles.cart.CartFunction;
import com.example.profiles.core.EventIntake;
import com.example.profiles.core.EventMeta;
import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The sweeper as a Lambda: whatever a schedule delivers runs one sweep, the input the Terraform
 * module configures as well as the "Scheduled Event" envelope of a scheduled EventBridge rule.
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.Sweeper.class)
@WithTestResource(RealInfrastructure.class)
class SweeperLambdaIT {

    /** The envelope of a scheduled EventBridge rule (as in src/test/resources/fixtures/aws/scheduler-event.json). */
    static final String SCHEDULED_EVENT = """
            {"version":"0","id":"%s","detail-type":"Scheduled Event","source":"aws.scheduler","account":"123456789012",
             "time":"%s","region":"eu-central-1","resources":["arn:aws:scheduler:eu-central-1:123456789012:schedule/default/sweeper"],
             "detail":"{}"}""";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Inject
    EventIntake intake;

    @Inject
    CartFunction carts;

    /** What EventBridge Scheduler delivers with the module's input (infra/terraform/aws/triggers.tf), filled in. */
    static final String SCHEDULER_INPUT = """
            {"reason":"scheduled","schedule":"arn:aws:scheduler:eu-central-1:123456789012:schedule/default/sweeper",
             "scheduledTime":"%s","executionId":"%s","attempt":"1"}""";

    @Test
    void theSchedulersInputSweepsAStaleCart() {
        sweepsAStaleCart(SCHEDULER_INPUT.formatted(Instant.now().truncatedTo(ChronoUnit.SECONDS), newId()));
    }

    @Test
    void aScheduledRulesEventSweepsAStaleCart() {
        sweepsAStaleCart(SCHEDULED_EVENT.formatted(newId(), Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    }

    void sweepsAStaleCart(String tick) {
        RedisCommands.call(infrastructure.redis().uri(), "FLUSHALL");
        // A cart left alone for 40 minutes, applied through the real cart function in process (this
        // artifact exports only the sweeper).
        String user = "lam-sweep-" + newId();
        Instant at = Instant.now().minus(40, ChronoUnit.MINUTES);
        CartChanged change = new CartChanged(user, "c-1", CartAction.ITEM_ADDED, "MUG", "home", 1, new BigDecimal("8.00"), "EUR", at);
        intake.apply(carts, () -> new EventIntake.Decoded<>(change, new EventMeta(newId(), "/test/lambda", null, null)), "test")
                .await().atMost(Duration.ofSeconds(5));

        given().contentType("application/json").body(tick).post().then()
                .statusCode(200)
                .body("ran", equalTo(true))
                .body("entriesTouched", equalTo(1))
                .body("actions.'cart-abandon:abandoned'", equalTo(1));

        assertThat(RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}")))
                .containsEntry("cart:status", "abandoned");
    }
}
