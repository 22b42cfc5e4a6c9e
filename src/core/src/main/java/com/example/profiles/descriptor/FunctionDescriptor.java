package com.example.profiles.descriptor;

import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What {@code functions/<name>/function.json} says about one deployable function: the single
 * CloudEvent type that triggers it and where that event arrives from. The build ships these files,
 * the runtime turns them into configuration, and infra/ reads the same files.
 */
@RegisterForReflection
public record FunctionDescriptor(String name, String eventType, Trigger trigger, Map<String, Object> settings) {

    /**
     * {@code kind} is "event" (a Kafka topic / Broker trigger), "request" (asked over HTTP),
     * "schedule" (a tick: {@code schedule} is the cron for Knative's PingSource and the local
     * runtime, {@code scheduleExpression} the same cadence for EventBridge Scheduler) or "job" (a
     * one-off run: a Kubernetes Job, or on Lambda invocations that each go on where the last stopped,
     * asked to every {@code scheduleExpression} while one is under way);
     * {@code format} is how records of the topic are encoded: "cloudevents" (default) or
     * "debezium-json" (plain Debezium change events, as a Debezium connector writes them).
     */
    public record Trigger(String kind, String topic, String deadLetterTopic, String schedule, String scheduleExpression, String format) {
    }
}
