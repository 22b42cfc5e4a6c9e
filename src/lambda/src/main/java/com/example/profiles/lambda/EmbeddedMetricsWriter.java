package com.example.profiles.lambda;

import java.io.PrintStream;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes each invocation's metrics as one CloudWatch embedded metric format (EMF) document: a
 * single JSON line on stdout, which Lambda sends to CloudWatch Logs, where CloudWatch extracts the
 * metrics. Nothing is kept between invocations: Lambda may freeze the instance right after it
 * answers and never thaw it, so a registry scraped or pushed later would lose or double-count
 * events. The line is written and flushed before the function returns its answer.
 *
 * <p>Namespace {@value #NAMESPACE}, dimensions {@code function} and {@code source}; metrics
 * {@code profile_events_<outcome>} (Count, one per {@link RecordOutcome}, zeros included) and
 * {@value #FRESHNESS_LAG_P99} (Milliseconds, only when a record was applied).
 */
@ApplicationScoped
public class EmbeddedMetricsWriter {

    public static final String NAMESPACE = "ProfileFunctions";
    public static final String FRESHNESS_LAG_P99 = "profile_freshness_lag_p99_ms";

    private final ObjectMapper mapper;

    public EmbeddedMetricsWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void write(InvocationSummary summary) {
        String line = document(summary, System.currentTimeMillis());
        // Looked up on every call, not kept: whatever System.out is now is where the runtime reads.
        PrintStream out = System.out;
        out.println(line);
        out.flush();
    }

    /** The EMF document for one invocation, as one line of JSON. */
    public String document(InvocationSummary summary, long timestampMillis) {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", timestampMillis);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        // Two dimension sets: per function and source, and per source alone, which is what the
        // freshness alarms in infra/terraform/aws watch.
        ArrayNode dimensions = directive.putArray("Dimensions");
        dimensions.addArray().add("function").add("source");
        dimensions.addArray().add("source");
        ArrayNode metrics = directive.putArray("Metrics");

        root.put("function", summary.function());
        root.put("source", summary.source());
        if (summary.eventSource() != null) {
            root.put("eventSource", summary.eventSource()); // a plain property: searchable, not a dimension
        }
        for (RecordOutcome outcome : RecordOutcome.values()) {
            metrics.addObject().put("Name", outcome.metricName()).put("Unit", "Count");
            root.put(outcome.metricName(), summary.count(outcome));
        }
        OptionalLong p99 = summary.freshnessLagP99();
        if (p99.isPresent()) {
            metrics.addObject().put("Name", FRESHNESS_LAG_P99).put("Unit", "Milliseconds");
            root.put(FRESHNESS_LAG_P99, p99.getAsLong());
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an EMF document of plain values cannot fail to serialize", e);
        }
    }
}
