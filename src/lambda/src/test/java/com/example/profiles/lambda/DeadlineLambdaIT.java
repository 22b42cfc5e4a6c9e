package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

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
 * A Redis that hangs (its process stopped) does not run an invocation into Lambda's timeout: the
 * batch's work is cut off at the invocation's deadline and the records not applied are reported,
 * in partition order, for the event source mapping to retry. Here the deadline is the configured
 * timeout (6 s, 1 s kept to answer), as where no Lambda Context reaches the functions (the native
 * executable's poll loop); LambdaRuntimeIT checks the same with the Runtime API's own deadline.
 * And the lag counts of an invocation are in Redis when it answers.
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.PurchaseWithShortTimeouts.class)
@WithTestResource(RealInfrastructure.class)
class DeadlineLambdaIT {

    static final String TOPIC = "commerce.purchase.completed.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void aHangingRedisIsCutOffAtTheDeadlineAndItsRecordsReportedThenAppliedOnceOnRetry() {
        String user = "lam-hang-" + newId();
        Instant time = Instant.now().minusSeconds(1);
        KafkaBatchEvents batch = KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 80, user, PURCHASE_TYPE, newId(), "/test/deadline", time, json(PurchaseLambdaIT.order(user, "o-1")))
                .binary(TOPIC, 0, 81, user, PURCHASE_TYPE, newId(), "/test/deadline", time, json(PurchaseLambdaIT.order(user, "o-2")))
                .binary(TOPIC, 3, 9, user + "x", PURCHASE_TYPE, newId(), "/test/deadline", time, json(PurchaseLambdaIT.order(user + "x", "o-3")));

        infrastructure.redis().freeze();
        long started = System.nanoTime();
        try {
            batch.invoke()
                    .statusCode(200)
                    .body("batchItemFailures.itemIdentifier.partition", equalTo(List.of(TOPIC + "-0", TOPIC + "-0", TOPIC + "-3")))
                    .body("batchItemFailures.itemIdentifier.offset", equalTo(List.of(80, 81, 9)));
        } finally {
            infrastructure.redis().unfreeze();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        // Answered while Redis still hung (it is resumed only after the answer), having waited for
        // the deadline (6 s less 1 s to answer) rather than giving up at once. The upper bound is
        // loose on purpose (a loaded machine); LambdaRuntimeIT holds the answer to the Runtime API's deadline.
        assertThat(millis).isBetween(4_000L, 15_000L);

        batch.invoke().statusCode(200).body("batchItemFailures", empty());
        assertThat(profile(user)).containsEntry("purchase:count", "2").containsEntry("version", "2");
        assertThat(profile(user + "x")).containsEntry("purchase:count", "1");
    }

    @Test
    void theLagCountsOfAnInvocationAreInRedisWhenItAnswers() {
        RedisCommands.call(infrastructure.redis().uri(), "DEL", "freshness:lag:{purchase}", "freshness:last-event");
        String user = "lam-lag-" + newId();
        Instant eventTime = Instant.now().minusSeconds(2);
        KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 90, user, PURCHASE_TYPE, newId(), "/test/lag", eventTime, json(PurchaseLambdaIT.order(user, "o-1")))
                .binary(TOPIC, 0, 91, user, PURCHASE_TYPE, newId(), "/test/lag", eventTime, json(PurchaseLambdaIT.order(user, "o-2")))
                .invoke().statusCode(200).body("batchItemFailures", empty());

        // No timer flushes them here (the Lambda binding turns it off): the invocation did.
        Map<String, String> lag = RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "freshness:lag:{purchase}"));
        assertThat(lag.entrySet()).anyMatch(e -> e.getKey().endsWith(":total") && e.getValue().equals("2"));
        assertThat(Double.parseDouble((String) RedisCommands.call(infrastructure.redis().uri(), "ZSCORE", "freshness:last-event", "purchase")))
                .isEqualTo((double) eventTime.toEpochMilli());
    }

    private Map<String, String> profile(String user) {
        return RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
    }
}
