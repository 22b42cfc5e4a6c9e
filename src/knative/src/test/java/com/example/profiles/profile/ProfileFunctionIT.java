package com.example.profiles.profile;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static com.example.profiles.testing.CloudEvents.postStructured;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Reading a profile: as a CloudEvent function and through the in-process Java API. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ProfileFunctionIT {

    static final String REQUESTED = "com.example.profiles.profile.requested.v1";

    @Inject
    ProfileReader reader;

    @Test
    void aProfileRequestEventIsAnsweredWithTheProfileAndItsFreshness() {
        String user = "pr-" + newId();
        Instant time = Instant.now().minusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        String order = "{\"userId\":\"" + user + "\",\"orderId\":\"o-1\",\"currency\":\"EUR\","
                + "\"items\":[{\"sku\":\"A\",\"category\":\"books\",\"quantity\":2,\"unitPrice\":4.50}],\"total\":9.00}";
        postBinary(PURCHASE_TYPE, newId(), "/test/read", time, order).statusCode(200);

        postStructured(REQUESTED, newId(), "/test/personalization", Instant.now(), Map.of("userId", user))
                .statusCode(200)
                .body("type", equalTo(REQUESTED + ".applied"))
                .body("data.userId", equalTo(user))
                .body("data.purchases.spendMinor", equalTo(900))
                .body("data.categoryAffinity.books.count", equalTo(2))
                .body("data.recentSkus.sku", hasItem("A"))
                .body("data.freshness.purchase.eventAt", equalTo(time.toEpochMilli()))
                .body("data.freshness.purchase.ageMillis", greaterThanOrEqualTo(0));
    }

    @Test
    void anUnknownUserIs404AndABadIdIs400() {
        postBinary(REQUESTED, newId(), "/test/personalization", Instant.now(), "{\"userId\":\"nobody-" + newId() + "\"}")
                .statusCode(404)
                .body("error", org.hamcrest.Matchers.startsWith("no profile for user"));
        postBinary(REQUESTED, newId(), "/test/personalization", Instant.now(), "{\"userId\":\"a{b}\"}")
                .statusCode(400)
                .body("violations.field", hasItem("userId"));
    }

    @Test
    void theJavaApiReadsTheSameProfile() {
        String user = "api-" + newId();
        String order = "{\"userId\":\"" + user + "\",\"orderId\":\"o-9\",\"currency\":\"EUR\","
                + "\"items\":[{\"sku\":\"Z\",\"category\":\"toys\",\"quantity\":1,\"unitPrice\":3}],\"total\":3}";
        postBinary(PURCHASE_TYPE, newId(), "/test/read", Instant.now(), order).statusCode(200);

        ProfileView view = reader.read(user).await().atMost(Duration.ofSeconds(5)).orElseThrow();
        assertThat(view.purchases().count()).isEqualTo(1);
        assertThat(view.purchases().lastOrderId()).isEqualTo("o-9");
        assertThat(view.freshness()).containsKey("purchase");
        assertThat(reader.read("nobody-" + newId()).await().atMost(Duration.ofSeconds(5))).isEmpty();
    }
}
