package com.example.profiles.lambda;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.json;
import static com.example.profiles.testing.CloudEvents.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.not;

import java.time.Instant;
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
 * Behind an event source mapping without {@code ReportBatchItemFailures} (which would take any
 * answer as success), a retryable failure fails the invocation, so the whole batch comes again and
 * what was applied comes back as duplicates.
 */
@QuarkusTest
@TestProfile(LambdaFunctionProfiles.PurchaseWithoutPartialResponses.class)
@WithTestResource(RealInfrastructure.class)
class WholeBatchRetryLambdaIT {

    static final String TOPIC = "commerce.purchase.completed.v1";

    @InjectInfrastructure
    Infrastructure infrastructure;

    @Test
    void aRetryableFailureFailsTheInvocationAndTheRetriedBatchAppliesEachEventOnce() {
        String user = "lam-whole-" + newId();
        String id = newId();
        Instant time = Instant.now().minusSeconds(1);
        KafkaBatchEvents batch = KafkaBatchEvents.msk()
                .binary(TOPIC, 0, 70, user, PURCHASE_TYPE, id, "/test/lambda", time, json(PurchaseLambdaIT.order(user, "o-w")));

        infrastructure.redis().stop();
        try {
            batch.invoke().statusCode(not(200)).body(containsString("failing the invocation so the whole batch"));
        } finally {
            infrastructure.redis().restart();
        }

        batch.invoke().statusCode(200).body("batchItemFailures", empty());
        batch.invoke().statusCode(200).body("batchItemFailures", empty()); // delivered once more: a duplicate
        Map<String, String> profile = RedisCommands.asMap(RedisCommands.call(infrastructure.redis().uri(), "HGETALL", "profile:{" + user + "}"));
        assertThat(profile).containsEntry("purchase:count", "1").containsEntry("version", "1");
    }
}
