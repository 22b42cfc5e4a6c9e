package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.Infrastructure;
import com.example.profiles.testing.InjectInfrastructure;
import com.example.profiles.testing.RealInfrastructure;
import com.example.profiles.devtools.servers.RedisCommands;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * An invalid record whose dead-letter copy the broker does not acknowledge is not dropped: it is
 * reported for retry, with the rest of its partition, instead of running the invocation into its
 * timeout. The Kafka broker is stopped for good here (the next test class gets a new one).
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.PurchaseWithShortTimeouts.class)
@WithTestResource(RealInfrastructure.class)
class DeadLetterOutageLambdaIT {

    static final String TOPIC = "commerce.purchase.completed.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void anInvalidRecordThatCannotBeDeadLetteredIsRetriedWithTheRestOfItsPartition() {
        String user = "lam-dlq-" + newId();
        Instant time = Instant.now().minusSeconds(1);
        Map<String, Object> bad = PurchaseLambdaIT.order(user, "o-bad");
        bad.put("total", new BigDecimal("0.01"));

        infrastructure.kafka().stop();
        long started = System.nanoTime();
        KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 30, user, PURCHASE_TYPE, newId(), "/test/lambda", time, json(bad))
                .binary(TOPIC, 0, 31, user, PURCHASE_TYPE, newId(), "/test/lambda", time, json(PurchaseLambdaIT.order(user, "o-ok")))
                .binary(TOPIC, 1, 5, user + "x", PURCHASE_TYPE, newId(), "/test/lambda", time, json(PurchaseLambdaIT.order(user + "x", "o-x")))
                .invoke()
                .statusCode(200)
                .body("batchItemFailures.itemIdentifier.offset", equalTo(List.of(30, 31)));
        assertThat(System.nanoTime() - started).isLessThan(20_000_000_000L);

        // The valid record after it waits for the retry; the other partition went on.
        assertThat((Long) RedisCommands.call(infrastructure.redis().uri(), "EXISTS", "profile:{" + user + "}")).isZero();
        assertThat(RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "x}")))
                .containsEntry("purchase:count", "1");
    }
}
