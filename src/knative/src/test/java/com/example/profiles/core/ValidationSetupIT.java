package com.example.profiles.core;

import static com.example.profiles.testing.CloudEvents.PURCHASE_TYPE;
import static com.example.profiles.testing.CloudEvents.newId;
import static com.example.profiles.testing.CloudEvents.postBinary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import jakarta.inject.Inject;
import jakarta.validation.ValidatorFactory;

import org.junit.jupiter.api.Test;

import com.example.profiles.testing.RealInfrastructure;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The validator the application runs with walks events as {@link ValidationSetup} says (its own
 * traverse-everything resolver, set through Quarkus's public hooks), and still cascades into
 * nested items: a bad line item is named by its path.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class ValidationSetupIT {

    @Inject
    ValidatorFactory validatorFactory;

    @Test
    void theValidatorUsesTheDeclaredResolverAndCascadesIntoItems() {
        assertThat(validatorFactory.getTraversableResolver()).isInstanceOf(ValidationSetup.TraverseAll.class);

        String order = """
                {"userId":"validation-%s","orderId":"o-1","currency":"EUR","occurredAt":"2026-01-01T00:00:00Z",
                 "items":[{"sku":"A","category":"books","quantity":0,"unitPrice":5}],"total":0}
                """.formatted(newId());
        postBinary(PURCHASE_TYPE, newId(), "/test/validation", null, order)
                .statusCode(400)
                .body("violations.field", hasItem("items[0].quantity"));
    }
}
