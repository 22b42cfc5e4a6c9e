package com.example.profiles.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.example.profiles.customer.DebeziumChange;
import com.example.profiles.purchase.PurchaseCompleted;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A dead letter is counted under a label made of names the code knows, never of what a producer wrote. */
class DeadLetterCounterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFieldOfTheEventDataCountsByItsFirstName() {
        Set<String> purchase = DeadLetterCounter.properties(JSON, PurchaseCompleted.class);
        assertThat(purchase).contains("userId", "items", "total", "occurredAt");
        assertThat(DeadLetterCounter.invalidReason("items[0].quantity", purchase)).isEqualTo("invalid:items");
        assertThat(DeadLetterCounter.invalidReason("total", purchase)).isEqualTo("invalid:total");
        assertThat(DeadLetterCounter.invalidReason("specversion", purchase)).isEqualTo("invalid:specversion");
        assertThat(DeadLetterCounter.invalidReason("data_base64", Set.of())).isEqualTo("invalid:data_base64");
    }

    @Test
    void aNameNoEventTypeHasCountsAsOther() {
        Set<String> purchase = DeadLetterCounter.properties(JSON, PurchaseCompleted.class);
        assertThat(DeadLetterCounter.invalidReason("jane.doe@example.com", purchase)).isEqualTo("invalid:other");
        assertThat(DeadLetterCounter.invalidReason("ce_myextension", purchase)).isEqualTo("invalid:other");
        assertThat(DeadLetterCounter.invalidReason(null, purchase)).isEqualTo("invalid:other");
        // A Debezium row's columns are the producer's: only the envelope's member counts.
        Set<String> change = DeadLetterCounter.properties(JSON, DebeziumChange.class);
        assertThat(DeadLetterCounter.invalidReason("after.secret_column", change)).isEqualTo("invalid:after");
    }

    @Test
    void anInternalErrorCountsByItsClassNotItsMessage() {
        assertThat(DeadLetterCounter.internalErrorReason(new IllegalStateException("user jane.doe@example.com")))
                .isEqualTo("internal-error:IllegalStateException");
        assertThat(DeadLetterCounter.internalErrorReason(new RuntimeException() {
        })).isEqualTo("internal-error:anonymous");
    }
}
