package com.example.profiles.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.profiles.devtools.ProjectRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.example.profiles.core.InvalidEventException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The EventBridge Scheduler event that will trigger the sweeper, read into a ScheduleTick. */
@Tag("lambda")
class ScheduleTickTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SAMPLE = ProjectRoot.resolve("../shared/fixtures/aws/scheduler-event.json").normalize();

    @Test
    void theAwsSampleSchedulerEventIsATick() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(SAMPLE), "../shared/fixtures/aws is absent: skipping the AWS sample scheduler event");
        ScheduleTick tick = ScheduleTick.from(JSON.readTree(SAMPLE.toFile()));
        assertThat(tick).isEqualTo(new ScheduleTick("4e6638b7-b892-4482-9762-8c58d4e71ecc", "aws.scheduler",
                Instant.parse("2024-05-07T15:58:34Z"), "123456789012", "eu-central-1",
                "arn:aws:scheduler:eu-central-1:123456789012:schedule/default/demoschedule"));
    }

    @Test
    void aScheduledRuleOfEventBridgeIsATickToo() {
        ScheduleTick tick = ScheduleTick.from(event().put("source", "aws.events"));
        assertThat(tick.source()).isEqualTo("aws.events");
        assertThat(tick.time()).isEqualTo(Instant.parse("2026-11-26T09:10:00Z"));
    }

    @Test
    void anythingElseIsRefusedNamingEveryProblem() {
        ObjectNode notATick = event().put("detail-type", "Object Created").put("source", "aws.s3").put("time", "yesterday");
        notATick.remove("id");
        assertThatThrownBy(() -> ScheduleTick.from(notATick))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("detail-type: is Object Created, not Scheduled Event")
                .hasMessageContaining("source: is aws.s3")
                .hasMessageContaining("id: is required")
                .hasMessageContaining("time: is yesterday");
        assertThatThrownBy(() -> ScheduleTick.from(JSON.createArrayNode())).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void withoutResourcesThereIsNoScheduleArn() {
        ObjectNode event = event();
        event.remove("resources");
        assertThat(ScheduleTick.from(event).schedule()).isNull();
    }

    private static ObjectNode event() {
        ObjectNode event = JSON.createObjectNode()
                .put("version", "0")
                .put("id", "7f1c-0001")
                .put("detail-type", "Scheduled Event")
                .put("source", "aws.scheduler")
                .put("account", "123456789012")
                .put("time", "2026-11-26T09:10:00Z")
                .put("region", "eu-central-1")
                .put("detail", "{}");
        event.putArray("resources").add("arn:aws:scheduler:eu-central-1:123456789012:schedule/default/profiles-sweeper");
        return event;
    }
}
