package com.example.profiles.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import com.example.profiles.core.InvalidEventException;
import com.example.profiles.core.StrictJson;
import com.example.profiles.core.Violation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The CloudEvents 1.0 rules every channel applies before the data is bound. */
class CloudEventEnvelopeTest {

    private final ObjectMapper mapper = mapper();

    @Test
    void aStructuredEventGivesItsAttributesAndData() throws Exception {
        CloudEventEnvelope event = CloudEventEnvelope.structured(tree(
                "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/s\",\"type\":\"t\",\"time\":\"2026-11-26T09:00:00Z\",\"data\":{\"a\":1}}"), mapper);
        assertThat(event.id()).isEqualTo("e-1");
        assertThat(event.time()).hasToString("2026-11-26T09:00:00Z");
        assertThat(event.data().toString()).isEqualTo("{\"a\":1}");
    }

    @Test
    void dataBase64HoldingJsonIsTheData() throws Exception {
        String data = Base64.getEncoder().encodeToString("{\"a\":1.50}".getBytes(StandardCharsets.UTF_8));
        CloudEventEnvelope event = CloudEventEnvelope.structured(tree(
                "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\"" + data + "\"}"), mapper);
        assertThat(event.data().toString()).isEqualTo("{\"a\":1.50}");
    }

    @Test
    void everyProblemIsNamedAtOnce() throws Exception {
        assertThatThrownBy(() -> CloudEventEnvelope.structured(tree(
                "{\"specversion\":1,\"id\":\"\",\"type\":\"t\",\"time\":\"yesterday\",\"datacontenttype\":\"text/plain\",\"data\":1,\"data_base64\":\"AA==\"}"),
                mapper))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.violations()).extracting(Violation::field)
                        .containsExactlyInAnyOrder("specversion", "id", "source", "time", "datacontenttype", "data_base64"));
    }

    @Test
    void aJsonArrayIsBatchModeAndNotTaken() throws Exception {
        assertThatThrownBy(() -> CloudEventEnvelope.structured(tree("[{\"specversion\":\"1.0\"}]"), mapper))
                .hasMessageContaining("batch mode");
    }

    @Test
    void binaryAttributesFollowTheSameRules() {
        assertThat(CloudEventEnvelope.problems("1.0", "e", "/s", "t", null, "application/json; charset=utf-8")).isEmpty();
        assertThat(CloudEventEnvelope.problems("1.0", "e", "/s", "t", null, "Application/JSON")).isEmpty();
        assertThat(CloudEventEnvelope.problems("0.3", "a\u0000", "", null, "-", "text/plain")).extracting(Violation::field)
                .containsExactly("specversion", "id", "source", "type", "time", "datacontenttype");
        assertThat(CloudEventEnvelope.problems("1.0", "i".repeat(257), "/s", "t", null, null)).extracting(Violation::message)
                .containsExactly("is longer than 256 characters");
        assertThat(CloudEventEnvelope.problems("1.0", "a\uD800", "/s", "t", null, null)).extracting(Violation::message)
                .containsExactly("must be well-formed Unicode text (it holds an unpaired surrogate)");
    }

    private JsonNode tree(String json) throws Exception {
        return mapper.readTree(json);
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        new StrictJson().customize(mapper);
        return mapper;
    }
}
