package com.example.profiles.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.example.profiles.lambda.ScheduleTick.Kind;
import com.example.profiles.testing.Fixtures;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Whatever a schedule delivers to the sweeper is a tick; what it says about itself is read for the log. */
class ScheduleTickTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theInputTheTerraformModuleConfiguresAsSchedulerFillsItIn() throws Exception {
        ScheduleTick tick = ScheduleTick.from(JSON.readTree("""
                {"reason":"scheduled","schedule":"arn:aws:scheduler:eu-west-1:123456789012:schedule/default/profiles-staging-sweeper",
                 "scheduledTime":"2026-11-26T09:10:00Z","executionId":"d32c5kddcf5bb8c3","attempt":"2"}"""), "request-1");
        assertThat(tick).isEqualTo(new ScheduleTick(Kind.SCHEDULER_INPUT, "d32c5kddcf5bb8c3", Instant.parse("2026-11-26T09:10:00Z"),
                "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/profiles-staging-sweeper", "2", "reason scheduled"));
        assertThat(tick.describe()).isEqualTo("scheduler input d32c5kddcf5bb8c3, fired 2026-11-26T09:10:00Z, attempt 2, "
                + "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/profiles-staging-sweeper (reason scheduled)");
    }

    @Test
    void theInputWithItsContextAttributesNotFilledInSaysNothingButIsATick() throws Exception {
        // As invoked by hand with the module's input, or by a Scheduler that did not substitute.
        ScheduleTick tick = ScheduleTick.from(JSON.readTree("""
                {"reason":"scheduled","schedule":"<aws.scheduler.schedule-arn>","scheduledTime":"<aws.scheduler.scheduled-time>",
                 "executionId":"<aws.scheduler.execution-id>","attempt":"<aws.scheduler.attempt-number>"}"""), "request-2");
        assertThat(tick).isEqualTo(new ScheduleTick(Kind.SCHEDULER_INPUT, "request-2", null, null, null, "reason scheduled"));
    }

    @Test
    void theReasonAloneIsTheOldInputAndATick() throws Exception {
        assertThat(ScheduleTick.from(JSON.readTree("{\"reason\":\"scheduled\"}"), "request-3").kind()).isEqualTo(Kind.SCHEDULER_INPUT);
    }

    @Test
    void theAwsSampleSchedulerEventIsATick() {
        ScheduleTick tick = ScheduleTick.from(Fixtures.json("aws/scheduler-event.json"), "request-4");
        assertThat(tick).isEqualTo(new ScheduleTick(Kind.SCHEDULED_EVENT, "4e6638b7-b892-4482-9762-8c58d4e71ecc",
                Instant.parse("2024-05-07T15:58:34Z"), "arn:aws:scheduler:eu-central-1:123456789012:schedule/default/demoschedule", null,
                "aws.scheduler"));
    }

    @Test
    void aScheduledRuleOfEventBridgeIsATickToo() {
        ObjectNode event = ((ObjectNode) Fixtures.json("aws/scheduler-event.json")).put("source", "aws.events");
        event.putArray("resources").add("arn:aws:events:eu-central-1:123456789012:rule/profiles-sweeper");
        ScheduleTick tick = ScheduleTick.from(event, "request-5");
        assertThat(tick.kind()).isEqualTo(Kind.SCHEDULED_EVENT);
        assertThat(tick.schedule()).isEqualTo("arn:aws:events:eu-central-1:123456789012:rule/profiles-sweeper");
    }

    @Test
    void anythingElseIsATickWhoseValuesAreNotLogged() throws Exception {
        ScheduleTick tick = ScheduleTick.from(JSON.readTree("{\"eventSource\":\"aws:kafka\",\"records\":{\"t-0\":[{\"value\":\"c2VjcmV0\"}]}}"), "request-6");
        assertThat(tick.kind()).isEqualTo(Kind.OTHER);
        assertThat(tick.id()).isEqualTo("request-6");
        assertThat(tick.describe()).contains("an object with fields [eventSource, records]").doesNotContain("c2VjcmV0").doesNotContain("aws:kafka");

        assertThat(ScheduleTick.from(null, "request-7").describe()).isEqualTo("other request-7 (no payload)");
        assertThat(ScheduleTick.from(JSON.readTree("[1,2]"), "request-8").describe()).isEqualTo("other request-8 (a JSON array)");
        assertThat(ScheduleTick.from(JSON.readTree("\"tick\""), "request-9").kind()).isEqualTo(Kind.OTHER);
    }

    @Test
    void anEnvelopeWithABadTimeIsStillATick() {
        ObjectNode event = ((ObjectNode) Fixtures.json("aws/scheduler-event.json")).put("time", "yesterday");
        event.remove("id");
        ScheduleTick tick = ScheduleTick.from(event, "request-10");
        assertThat(tick.kind()).isEqualTo(Kind.SCHEDULED_EVENT);
        assertThat(tick.time()).isNull();
        assertThat(tick.id()).isEqualTo("request-10");
    }
}
