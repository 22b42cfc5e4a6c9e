package com.example.profiles.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The EMF document and the per-invocation summary it is made from, without Quarkus. */
class EmbeddedMetricsWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final EmbeddedMetricsWriter writer = new EmbeddedMetricsWriter(JSON);

    @Test
    void theDocumentDeclaresEveryOutcomeAndTheLagP99UnderTheFunctionAndSourceDimensions() throws Exception {
        List<RecordResult> results = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            results.add(new RecordResult("t-0", i, RecordOutcome.APPLIED, i * 10L, null)); // lags 10 .. 2000 ms
        }
        results.add(RecordResult.of("t-0", 201, RecordOutcome.DUPLICATE));
        results.add(RecordResult.of("t-1", 1, RecordOutcome.INVALID));
        results.add(RecordResult.failed("t-2", 5, new IllegalStateException("redis down")));
        results.add(RecordResult.of("t-2", 6, RecordOutcome.DEFERRED));

        String line = writer.document(InvocationSummary.of("cart", "cart", "SelfManagedKafka", results), 1_795_000_000_123L);

        assertThat(line).doesNotContain("\n");
        JsonNode emf = JSON.readTree(line);
        assertThat(emf.path("_aws").path("Timestamp").asLong()).isEqualTo(1_795_000_000_123L);
        JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("ProfileFunctions");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"function\",\"source\"],[\"source\"]]");
        assertThat(directive.path("Metrics").findValuesAsText("Name")).containsExactly(
                "profile_events_applied", "profile_events_duplicate", "profile_events_stale", "profile_events_ignored",
                "profile_events_erased", "profile_events_invalid", "profile_events_failed", "profile_events_deferred",
                "profile_freshness_lag_p99_ms");
        assertThat(directive.path("Metrics").findValuesAsText("Unit")).containsOnly("Count", "Milliseconds");
        assertThat(emf.path("function").asText()).isEqualTo("cart");
        assertThat(emf.path("source").asText()).isEqualTo("cart");
        assertThat(emf.path("eventSource").asText()).isEqualTo("SelfManagedKafka");
        assertThat(emf.path("profile_events_applied").asLong()).isEqualTo(200);
        assertThat(emf.path("profile_events_duplicate").asLong()).isEqualTo(1);
        assertThat(emf.path("profile_events_stale").asLong()).isZero();
        assertThat(emf.path("profile_events_invalid").asLong()).isEqualTo(1);
        assertThat(emf.path("profile_events_failed").asLong()).isEqualTo(1);
        assertThat(emf.path("profile_events_deferred").asLong()).isEqualTo(1);
        // nearest rank: the 198th of 200 sorted lags
        assertThat(emf.path("profile_freshness_lag_p99_ms").asLong()).isEqualTo(1980);
    }

    @Test
    void withoutAnAppliedRecordTheLagIsNeitherDeclaredNorGiven() throws Exception {
        String line = writer.document(InvocationSummary.of("purchase", "purchase", "aws:kafka",
                List.of(RecordResult.of("t-0", 1, RecordOutcome.INVALID))), 1L);
        JsonNode emf = JSON.readTree(line);
        assertThat(emf.has("profile_freshness_lag_p99_ms")).isFalse();
        assertThat(emf.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").findValuesAsText("Name"))
                .doesNotContain("profile_freshness_lag_p99_ms");
    }

    @Test
    void theP99OfOneLagIsThatLag() {
        assertThat(InvocationSummary.of("f", "f", null, List.of(new RecordResult("t-0", 1, RecordOutcome.APPLIED, 42, null)))
                .freshnessLagP99()).hasValue(42);
    }

    @Test
    void writePrintsTheDocumentAsOneLineOnStandardOutput() {
        List<String> lines = StandardOutput.linesPrintedBy(() -> writer.write(InvocationSummary.of("purchase", "purchase", "aws:kafka",
                List.of(new RecordResult("t-0", 1, RecordOutcome.APPLIED, 7, null)))));
        assertThat(StandardOutput.emfDocuments(lines)).hasSize(1).first().asString()
                .contains("\"profile_events_applied\":1").contains("\"profile_freshness_lag_p99_ms\":7");
    }
}
