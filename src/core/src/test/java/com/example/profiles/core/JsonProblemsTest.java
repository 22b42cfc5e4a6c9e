package com.example.profiles.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Refusal reasons from Jackson's failures: one line, the field and the expected type, never the input. */
class JsonProblemsTest {

    record Source(Long lsn, String table) {
    }

    record Envelope(Source source, java.util.List<Integer> items) {
    }

    final ObjectMapper mapper = new ObjectMapper();

    private Violation violation(String json) {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class, () -> mapper.readValue(json, Envelope.class));
        return JsonProblems.violation(e);
    }

    @Test
    void aWrongTypeNamesTheFieldAndTheTypeNotTheValue() {
        Violation v = violation("{\"source\": {\"lsn\": \"jane@example.com\"}}");
        assertThat(v.field()).isEqualTo("source.lsn");
        assertThat(v.message()).isEqualTo("is not a valid whole number");
        v = violation("{\"source\": {\"lsn\": {\"x\": \"jane@example.com\"}}}");
        assertThat(v.toString()).isEqualTo("source.lsn: must be a whole number").doesNotContain("jane");
        v = violation("{\"items\": [\"jane@example.com\"]}");
        assertThat(v.field()).isEqualTo("items[0]");
        assertThat(v.toString()).doesNotContain("jane");
    }

    @Test
    void malformedJsonGivesItsLocationOnly() {
        Violation v = violation("{\"source\": {\"table\": jane@example.com}}");
        assertThat(v.message()).startsWith("is not valid JSON (line 1, column");
        assertThat(v.toString()).doesNotContain("jane").doesNotContain("\n");
        v = JsonProblems.violation(catchThrowableOfType(JsonProcessingException.class, () -> mapper.readTree("{\"email\": jane@example.com")));
        assertThat(v.toString()).isEqualTo("data: is not valid JSON (line 1, column 11)");
    }

    @Test
    void aViolationIsAlwaysOneLine() {
        assertThat(new Violation("a\nb", "first line\n at [Source: x]\r\nthird").toString()).isEqualTo("a b: first line at [Source: x] third");
    }
}
